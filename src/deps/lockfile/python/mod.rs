//! Python lockfiles other than requirements files, one module per format: `poetry.lock`, `Pipfile.lock`, `uv.lock` and
//! `pdm.lock`.
//!
//! Owns reading each format into the [`Package`] model. Direct flags and paths: only `uv.lock`
//! names its roots (the `editable`/`virtual` workspace packages), so only there are `direct` and
//! `path` computed (breadth-first over `dependencies`, optional and dev dependencies of the
//! roots included). Poetry, Pipfile and PDM lockfiles do not say which packages the project
//! asked for (that is in `pyproject.toml`/`Pipfile`, which this module does not read), so their
//! packages are `direct = false`, `path = [name]`; Poetry and PDM record their dependency
//! `edges`, from which the scan layer derives paths once it knows the direct dependencies.
//! Entries without a version (a Pipfile git checkout) are [`Unauditable`]; versioned git, path and URL packages keep their source.

use crate::deps::package::{normalize_pypi, Ecosystem, Package, ParseError, Source};

pub mod pdm;
pub mod pipfile;
pub mod poetry;
pub mod uv;

pub use pdm::parse_pdm;
pub use pipfile::parse_pipfile;
pub use poetry::parse_poetry;
pub use uv::parse_uv;

pub(super) fn package(name: &str, version: &str, line: usize, source: Source) -> Package {
    let name = normalize_pypi(name);
    Package {
        ecosystem: Ecosystem::PyPI,
        path: vec![name.clone()],
        name,
        version: version.to_string(),
        direct: false,
        line,
        source,
    }
}

pub(super) fn toml_error(file: &str, err: toml::de::Error) -> ParseError {
    // toml's message names the line and column; keep it on one line.
    let message = err.to_string().replace('\n', " ");
    ParseError::new(format!("{file}: {}", message.trim()))
}

#[cfg(test)]
mod tests;
