//! Where hotseat keeps things: the data directory (sessions) and the config directory (the user's
//! own rubrics and settings), from flags, `HOTSEAT_*` variables or the platform's conventions.

use std::env;
use std::path::PathBuf;

use directories::ProjectDirs;

fn project() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "hotseat")
}

/// `--data-dir`, else `HOTSEAT_HOME`, else the platform's data directory.
pub fn data_dir(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| {
        env::var_os("HOTSEAT_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
    .or_else(|| project().map(|p| p.data_dir().to_path_buf()))
    .unwrap_or_else(|| PathBuf::from(".hotseat"))
}

/// `HOTSEAT_CONFIG_DIR`, else the platform's config directory.
pub fn config_dir() -> Option<PathBuf> {
    env::var_os("HOTSEAT_CONFIG_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| project().map(|p| p.config_dir().to_path_buf()))
}

/// The folder whose `*.toml` files add to or replace the bundled rubrics and questions.
pub fn user_rubrics() -> Option<PathBuf> {
    config_dir().map(|d| d.join("rubrics"))
}

/// The settings file: model endpoint, models per role, timeouts (see `config`).
pub fn config_file() -> Option<PathBuf> {
    config_dir().map(|d| d.join("config.toml"))
}

/// The folder whose templates replace the bundled prompts of the same name.
pub fn user_prompts() -> Option<PathBuf> {
    config_dir().map(|d| d.join("prompts"))
}
