//! Lockfile parsers, one module per format, and [`detect`]/[`parse_file`] that pick the parser
//! for a file by its name.

pub mod cargo;
pub mod npm;
pub mod pnpm;
pub mod pylock;
pub mod python;
pub mod yarn;

use crate::deps::package::{Lockfile, ParseError};
use std::path::Path;

/// The lockfile formats preflight reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `package-lock.json`, `npm-shrinkwrap.json`.
    Npm,
    /// `yarn.lock`.
    Yarn,
    /// `pnpm-lock.yaml`.
    Pnpm,
    /// `requirements*.txt`, and `*.txt` inside a `requirements/` directory.
    Requirements,
    /// `poetry.lock`.
    Poetry,
    /// `Pipfile.lock`.
    Pipfile,
    /// `uv.lock`.
    Uv,
    /// `pdm.lock`.
    Pdm,
    /// `Cargo.lock`.
    Cargo,
}

/// The format of the file at `rel_path` (relative, `/`-separated), judged by its name.
pub fn detect(rel_path: &str) -> Option<Format> {
    let (dir, name) = match rel_path.rsplit_once('/') {
        Some((dir, name)) => (dir, name),
        None => ("", rel_path),
    };
    Some(match name {
        "package-lock.json" | "npm-shrinkwrap.json" => Format::Npm,
        "yarn.lock" => Format::Yarn,
        "pnpm-lock.yaml" => Format::Pnpm,
        "poetry.lock" => Format::Poetry,
        "Pipfile.lock" => Format::Pipfile,
        "uv.lock" => Format::Uv,
        "pdm.lock" => Format::Pdm,
        "Cargo.lock" => Format::Cargo,
        _ if name.ends_with(".txt")
            && (name.starts_with("requirements")
                || dir == "requirements"
                || dir.ends_with("/requirements")) =>
        {
            Format::Requirements
        }
        _ => return None,
    })
}

/// Parses `text`, the content of `root/rel_path`, as `format`. Requirements files may include
/// others (`-r`); those are read from disk, relative to the including file, never outside `root`.
pub fn parse_file(
    format: Format,
    root: &Path,
    rel_path: &str,
    text: &str,
) -> Result<Lockfile, ParseError> {
    match format {
        Format::Npm => npm::parse(text),
        Format::Yarn => yarn::parse(text),
        Format::Pnpm => pnpm::parse(text),
        Format::Poetry => pylock::parse_poetry(text),
        Format::Pipfile => pylock::parse_pipfile(text),
        Format::Uv => pylock::parse_uv(text),
        Format::Pdm => pylock::parse_pdm(text),
        Format::Cargo => cargo::parse(text),
        Format::Requirements => {
            let dir = Path::new(rel_path).parent().unwrap_or(Path::new(""));
            python::parse(text, &|inc: &str| read_inside(root, dir, inc))
        }
    }
}

/// Reads `dir/name` under `root`, refusing paths that climb out of `root`.
fn read_inside(root: &Path, dir: &Path, name: &str) -> Option<String> {
    let mut rel = std::path::PathBuf::new();
    for part in dir.join(name).components() {
        match part {
            std::path::Component::Normal(p) => rel.push(p),
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !rel.pop() {
                    return None;
                }
            }
            _ => return None,
        }
    }
    std::fs::read_to_string(root.join(rel)).ok()
}

#[cfg(test)]
mod tests {
    use super::{detect, Format};

    #[test]
    fn formats_by_name() {
        assert_eq!(detect("package-lock.json"), Some(Format::Npm));
        assert_eq!(detect("web/npm-shrinkwrap.json"), Some(Format::Npm));
        assert_eq!(detect("requirements-dev.txt"), Some(Format::Requirements));
        assert_eq!(detect("requirements/base.txt"), Some(Format::Requirements));
        assert_eq!(
            detect("api/requirements/prod.txt"),
            Some(Format::Requirements)
        );
        assert_eq!(detect("notes.txt"), None);
        assert_eq!(detect("crates/x/Cargo.lock"), Some(Format::Cargo));
        assert_eq!(detect("package.json"), None);
    }
}
