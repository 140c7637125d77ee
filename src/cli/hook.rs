//! `preflight hook install|uninstall`: preflight as a plain git pre-commit hook, for teams that do
//! not use the pre-commit framework (that one reads `.pre-commit-hooks.yaml` instead).
//!
//! The hook is a small POSIX sh script carrying a marker line, so that preflight only ever
//! replaces or removes a hook it wrote itself; anyone else's hook needs `--force`, which keeps a
//! backup that `uninstall` puts back. The script runs `preflight scan --staged`, and does not
//! decide anything itself: the exit code of the scan is the verdict.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The line that marks a hook as written by preflight.
const MARKER: &str = "# preflight-managed-hook";

/// Where `install --force` moves a hook preflight did not write.
const BACKUP: &str = "pre-commit.preflight-backup";

/// The hook script. git runs pre-commit hooks from the work tree root, so `.` is the repository.
const SCRIPT: &str = r#"#!/bin/sh
# preflight-managed-hook
# Written by `preflight hook install`; remove it with `preflight hook uninstall`.
# Scans the staged change for secrets before each commit. Skip once: git commit --no-verify
preflight="${PREFLIGHT_BIN:-preflight}"
if ! command -v "$preflight" >/dev/null 2>&1; then
    echo "preflight pre-commit hook: '$preflight' not found; install preflight, set PREFLIGHT_BIN, or skip once with 'git commit --no-verify'" >&2
    exit 1
fi
if [ -f .preflight-baseline.json ]; then
    exec "$preflight" scan --staged . --baseline .preflight-baseline.json
fi
exec "$preflight" scan --staged .
"#;

/// `preflight hook ...`.
#[derive(Debug, clap::Subcommand)]
pub enum HookCommand {
    /// Write a git pre-commit hook that runs `preflight scan --staged`.
    Install {
        /// Repository (default: current directory).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Replace an existing pre-commit hook that preflight did not write.
        #[arg(long)]
        force: bool,
    },
    /// Remove the pre-commit hook, if preflight wrote it.
    Uninstall {
        /// Repository (default: current directory).
        #[arg(default_value = ".")]
        path: PathBuf,
    },
}

/// Runs a hook command; returns the one-line message to print on stderr.
pub fn run(cmd: &HookCommand) -> Result<String> {
    match cmd {
        HookCommand::Install { path, force } => install(&hooks_dir(path)?, *force),
        HookCommand::Uninstall { path } => uninstall(&hooks_dir(path)?),
    }
}

/// The directory git runs hooks from: `core.hooksPath` (relative to the work tree root) if set,
/// else the common git dir's `hooks/`, which linked worktrees share.
fn hooks_dir(path: &Path) -> Result<PathBuf> {
    let repo = crate::source::git::open(path)?;
    let Some(workdir) = repo.workdir() else {
        return Err(Error::Usage(format!(
            "{}: a bare repository has no commits to hook",
            path.display()
        )));
    };
    let configured = repo
        .config_snapshot()
        .trusted_path("core.hooksPath")
        .map_err(|err| Error::Config {
            path: repo.git_dir().join("config"),
            message: format!("core.hooksPath: {}", err.to_string().replace('\n', " ")),
        })?;
    Ok(match configured {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => workdir.join(dir),
        None => repo.common_dir().join("hooks"),
    })
}

fn install(hooks: &Path, force: bool) -> Result<String> {
    let hook = hooks.join("pre-commit");
    let mut message = format!("installed pre-commit hook {}", hook.display());
    match read_existing(&hook)? {
        Some(text) if !is_ours(&text) => {
            if !force {
                return Err(Error::Usage(format!(
                    "{} exists and was not written by preflight; use --force to replace it \
                     (the old hook is then kept as {BACKUP})",
                    hook.display()
                )));
            }
            let backup = hooks.join(BACKUP);
            std::fs::rename(&hook, &backup).map_err(|source| Error::Write {
                path: backup.clone(),
                source,
            })?;
            message = format!(
                "replaced pre-commit hook {} (the previous one is in {})",
                hook.display(),
                backup.display()
            );
        }
        _ => {}
    }
    std::fs::create_dir_all(hooks).map_err(|source| Error::Write {
        path: hooks.to_path_buf(),
        source,
    })?;
    write_executable(&hook, SCRIPT)?;
    Ok(message)
}

fn uninstall(hooks: &Path) -> Result<String> {
    let hook = hooks.join("pre-commit");
    match read_existing(&hook)? {
        None => Err(Error::Usage(format!(
            "{}: no pre-commit hook to remove",
            hook.display()
        ))),
        Some(text) if !is_ours(&text) => Err(Error::Usage(format!(
            "{} was not installed by preflight; not removing it",
            hook.display()
        ))),
        Some(_) => {
            let backup = hooks.join(BACKUP);
            if backup.is_file() {
                // Put back the hook `install --force` replaced.
                std::fs::rename(&backup, &hook).map_err(|source| Error::Write {
                    path: hook.clone(),
                    source,
                })?;
                return Ok(format!(
                    "removed preflight's pre-commit hook; restored the previous one from {}",
                    backup.display()
                ));
            }
            std::fs::remove_file(&hook).map_err(|source| Error::Write {
                path: hook.clone(),
                source,
            })?;
            Ok(format!("removed pre-commit hook {}", hook.display()))
        }
    }
}

/// The hook's content, or `None` if there is none.
fn read_existing(hook: &Path) -> Result<Option<Vec<u8>>> {
    match std::fs::read(hook) {
        Ok(text) => Ok(Some(text)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Read {
            path: hook.to_path_buf(),
            source,
        }),
    }
}

fn is_ours(text: &[u8]) -> bool {
    text.split(|&b| b == b'\n')
        .any(|line| line.trim_ascii() == MARKER.as_bytes())
}

fn write_executable(path: &Path, text: &str) -> Result<()> {
    let fail = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    std::fs::write(path, text).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(fail)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        crate::source::testgit::git_in(dir, args, 1_704_067_200);
    }

    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        git(dir.path(), &["init", "-q"]);
        dir
    }

    fn install_in(dir: &Path, force: bool) -> Result<String> {
        run(&HookCommand::Install {
            path: dir.to_path_buf(),
            force,
        })
    }

    fn uninstall_in(dir: &Path) -> Result<String> {
        run(&HookCommand::Uninstall {
            path: dir.to_path_buf(),
        })
    }

    fn hook_of(dir: &Path) -> PathBuf {
        dir.join(".git/hooks/pre-commit")
    }

    #[test]
    fn install_into_fresh_repo() {
        let dir = repo();
        let msg = install_in(dir.path(), false).expect("install");
        assert!(msg.contains("installed"), "{msg}");
        let text = std::fs::read_to_string(hook_of(dir.path())).expect("hook written");
        assert!(text.starts_with("#!/bin/sh\n"));
        assert!(text.contains(MARKER));
        assert!(text.contains("scan --staged ."));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(hook_of(dir.path()))
                .expect("meta")
                .permissions();
            assert_eq!(mode.mode() & 0o777, 0o755);
        }
        // Reinstalling over our own hook is fine.
        install_in(dir.path(), false).expect("reinstall");
    }

    #[test]
    fn refuses_to_overwrite_foreign_hook() {
        let dir = repo();
        let foreign = "#!/bin/sh\nexit 0\n";
        std::fs::create_dir_all(dir.path().join(".git/hooks")).expect("hooks dir");
        std::fs::write(hook_of(dir.path()), foreign).expect("write");
        let err = install_in(dir.path(), false).expect_err("must refuse");
        assert!(err.to_string().contains("--force"), "{err}");
        let text = std::fs::read_to_string(hook_of(dir.path())).expect("read");
        assert_eq!(text, foreign);
    }

    #[test]
    fn force_replaces_and_uninstall_restores() {
        let dir = repo();
        let foreign = "#!/bin/sh\nexit 0\n";
        std::fs::create_dir_all(dir.path().join(".git/hooks")).expect("hooks dir");
        std::fs::write(hook_of(dir.path()), foreign).expect("write");
        install_in(dir.path(), true).expect("forced install");
        let text = std::fs::read_to_string(hook_of(dir.path())).expect("read");
        assert!(text.contains(MARKER));
        let backup = dir.path().join(".git/hooks").join(BACKUP);
        assert_eq!(std::fs::read_to_string(&backup).expect("backup"), foreign);
        let msg = uninstall_in(dir.path()).expect("uninstall");
        assert!(msg.contains("restored"), "{msg}");
        let text = std::fs::read_to_string(hook_of(dir.path())).expect("restored");
        assert_eq!(text, foreign);
        assert!(!backup.exists());
    }

    #[test]
    fn uninstall_own_hook() {
        let dir = repo();
        install_in(dir.path(), false).expect("install");
        let msg = uninstall_in(dir.path()).expect("uninstall");
        assert!(msg.contains("removed"), "{msg}");
        assert!(!hook_of(dir.path()).exists());
        let err = uninstall_in(dir.path()).expect_err("nothing left to remove");
        assert!(err.to_string().contains("no pre-commit hook"), "{err}");
    }

    #[test]
    fn refuses_to_uninstall_foreign_hook() {
        let dir = repo();
        std::fs::create_dir_all(dir.path().join(".git/hooks")).expect("hooks dir");
        std::fs::write(hook_of(dir.path()), "#!/bin/sh\nexit 0\n").expect("write");
        let err = uninstall_in(dir.path()).expect_err("must refuse");
        assert!(
            err.to_string().contains("not installed by preflight"),
            "{err}"
        );
        assert!(hook_of(dir.path()).exists());
    }

    #[test]
    fn respects_core_hooks_path() {
        let dir = repo();
        git(dir.path(), &["config", "core.hooksPath", ".githooks"]);
        std::fs::create_dir_all(dir.path().join("sub")).expect("subdir");
        // From a subdirectory, the relative hooksPath still resolves against the work tree root.
        install_in(&dir.path().join("sub"), false).expect("install");
        let hook = dir.path().join(".githooks/pre-commit");
        let text = std::fs::read_to_string(hook).expect("hook in hooksPath");
        assert!(text.contains(MARKER));
        assert!(!hook_of(dir.path()).exists());
    }

    #[test]
    fn linked_worktrees_share_the_hook() {
        let main = repo();
        git(main.path(), &["commit", "-q", "--allow-empty", "-m", "c"]);
        let other = tempfile::tempdir().expect("temp dir");
        let linked = other.path().join("linked");
        let linked_arg = linked.to_str().expect("utf-8 temp path");
        git(main.path(), &["worktree", "add", "-q", linked_arg]);
        install_in(&linked, false).expect("install");
        assert!(hook_of(main.path()).is_file());
    }

    #[test]
    fn not_a_repository() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = install_in(dir.path(), false).expect_err("no repo");
        assert!(err.to_string().contains("not a git repository"), "{err}");
    }
}
