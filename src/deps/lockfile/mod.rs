//! Lockfile parsers, one module per format, and [`detect`]/[`parse_file`] that pick the parser
//! for a file by its name.

pub mod cargo;
pub mod npm;
pub mod pnpm;
pub mod python;
pub mod requirements;
pub mod yarn;

use crate::deps::package::{Lockfile, ParseError};

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

/// Parses `text`, the content of the lockfile at `rel_path`, as `format`. Requirements files
/// may include others (`-r`, `-c`): `read` gives a file by its path relative to the scan root
/// (the workspace decides what may be read), and includes that climb out of the root or are
/// absolute are never asked for.
pub fn parse_file(
    format: Format,
    rel_path: &str,
    text: &str,
    read: &dyn Fn(&str) -> Option<String>,
) -> Result<Lockfile, ParseError> {
    match format {
        Format::Npm => npm::parse(text),
        Format::Yarn => yarn::parse(text),
        Format::Pnpm => pnpm::parse(text),
        Format::Poetry => python::parse_poetry(text),
        Format::Pipfile => python::parse_pipfile(text),
        Format::Uv => python::parse_uv(text),
        Format::Pdm => python::parse_pdm(text),
        Format::Cargo => cargo::parse(text),
        Format::Requirements => {
            let dir = rel_path.rsplit_once('/').map_or("", |(d, _)| d);
            requirements::parse(text, &|inc: &str| read(&beside(dir, inc)?))
        }
    }
}

/// `name` relative to directory `dir`, or `None` when it is absolute or climbs out of the root.
pub fn beside(dir: &str, name: &str) -> Option<String> {
    if name.starts_with('/') || name.starts_with('\\') || name.get(1..2) == Some(":") {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in name.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::{beside, detect, Format};

    #[test]
    fn includes_stay_inside_the_root() {
        assert_eq!(beside("api", "../base.txt").as_deref(), Some("base.txt"));
        assert_eq!(beside("", "./dev.txt").as_deref(), Some("dev.txt"));
        assert_eq!(beside("api", "../../x.txt"), None);
        assert_eq!(beside("api", "/etc/passwd"), None);
        assert_eq!(beside("api", "C:/x.txt"), None);
    }

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
