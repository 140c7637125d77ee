//! Where a history walk starts and stops: `--ref`s, a range `A..B`, or every ref plus HEAD
//! (notes refs, the stash and every entry of its reflog included), and the blobs and trees that
//! refs reach without a commit (a tag of a blob or a tree). Resolution failures of what the user
//! named are errors; dangling refs found on their own are notes. The walk itself is in `walk`.

use super::HistoryOptions;
use crate::diag::Diagnostic;
use crate::error::Error;
use gix::bstr::ByteSlice;
use gix::revision::plumbing::Spec;
use gix::ObjectId;

/// Commits to start from, and commits whose ancestry is excluded (`^A` of `A..B`), as in
/// `git rev-list <refs> A..B`.
#[derive(Debug, Default)]
pub(super) struct Starts {
    /// Walk from these commits.
    pub include: Vec<ObjectId>,
    /// Do not walk into these commits or their ancestors.
    pub exclude: Vec<ObjectId>,
    /// Blobs and trees refs point to without a commit between (issue 16: a tag of a blob).
    pub objects: Vec<RefObject>,
    /// Dangling or non-commit refs met while listing every ref.
    pub notes: Vec<Diagnostic>,
}

/// A blob or tree a ref reaches without a commit, and what the ref says about it.
#[derive(Debug, Clone)]
pub(super) struct RefObject {
    /// The full ref name.
    pub name: String,
    /// The blob or tree.
    pub target: ObjectId,
    /// Whether `target` is a tree.
    pub tree: bool,
    /// The annotated tag the ref points to, if any: its id, tagger and message stand in for a
    /// commit's in findings.
    pub tag: Option<ObjectId>,
}

/// Resolves the start points `opts` asks for.
pub(super) fn resolve(repo: &gix::Repository, opts: &HistoryOptions) -> Result<Starts, Error> {
    let mut starts = Starts::default();
    if opts.refs.is_empty() && opts.range.is_none() {
        every_ref(repo, &mut starts);
    }
    for spec in &opts.refs {
        let id = repo.rev_parse_single(spec.as_str()).map_err(|_| {
            Error::Usage(format!(
                "no such ref: {spec} (--ref: not a branch, tag or commit)"
            ))
        })?;
        starts
            .include
            .push(peel_to_commit(repo, id.detach(), "--ref", spec)?);
    }
    if let Some(range) = &opts.range {
        resolve_range(repo, range, &mut starts)?;
    }
    starts.include.sort_unstable();
    starts.include.dedup();
    Ok(starts)
}

fn resolve_range(repo: &gix::Repository, range: &str, starts: &mut Starts) -> Result<(), Error> {
    let spec = repo
        .rev_parse(range)
        .map_err(|_| {
            Error::Usage(format!(
                "no such ref in range {range} (not a branch, tag or commit)"
            ))
        })?
        .detach();
    match spec {
        Spec::Range { from, to } => {
            starts
                .exclude
                .push(peel_to_commit(repo, from, "range", range)?);
            starts
                .include
                .push(peel_to_commit(repo, to, "range", range)?);
        }
        Spec::Include(id) => starts
            .include
            .push(peel_to_commit(repo, id, "range", range)?),
        Spec::Exclude(id) => starts
            .exclude
            .push(peel_to_commit(repo, id, "range", range)?),
        _ => {
            return Err(Error::Usage(format!(
                "range {range}: only A..B ranges are supported"
            )))
        }
    }
    Ok(())
}

/// Peels annotated tags until a commit; anything else is a usage error naming `spec`.
fn peel_to_commit(
    repo: &gix::Repository,
    id: ObjectId,
    what: &str,
    spec: &str,
) -> Result<ObjectId, Error> {
    let commit = repo
        .find_object(id)
        .and_then(|object| object.peel_to_commit())
        .map_err(|err| Error::Usage(format!("{what} {spec}: {err}")))?;
    Ok(commit.id)
}

/// Every ref, plus HEAD (which may be detached) and the stash's older entries (its reflog). A
/// ref that cannot be peeled is a note, never an error: one broken ref must not stop a history
/// scan. Notes refs are read like branches: a note can hold a secret as well as a file can.
fn every_ref(repo: &gix::Repository, starts: &mut Starts) {
    let platform = match repo.references() {
        Ok(platform) => platform,
        Err(err) => {
            starts.notes.push(Diagnostic::general_error(format!(
                "cannot list refs: {err}"
            )));
            return;
        }
    };
    let iter = match platform.all() {
        Ok(iter) => iter,
        Err(err) => {
            starts.notes.push(Diagnostic::general_warning(format!(
                "cannot list refs: {err}"
            )));
            return;
        }
    };
    for reference in iter {
        match reference {
            Ok(mut reference) => {
                let name = reference.name().as_bstr().to_str_lossy().into_owned();
                let direct = reference.try_id().map(|id| id.detach());
                if name == "refs/stash" {
                    stash_reflog(&reference, starts);
                }
                match reference.peel_to_id() {
                    Ok(id) => {
                        let tag = direct.filter(|d| *d != id.detach());
                        add_ref_target(repo, &name, id.detach(), tag, starts)
                    }
                    Err(err) => starts.notes.push(Diagnostic::general_error(format!(
                        "ref {name} not scanned: {err}"
                    ))),
                }
            }
            Err(err) => starts.notes.push(Diagnostic::general_error(format!(
                "cannot read a ref: {err}"
            ))),
        }
    }
    // An unborn HEAD (no commit yet) is normal and not worth a note.
    if let Ok(id) = repo.head_id() {
        add_ref_target(repo, "HEAD", id.detach(), None, starts);
    }
}

/// `stash@{1}` and older are entries of the stash's reflog, not refs: each is a start point.
fn stash_reflog(reference: &gix::Reference<'_>, starts: &mut Starts) {
    let mut log = reference.log_iter();
    let lines = match log.all() {
        Ok(Some(lines)) => lines,
        Ok(None) => return,
        Err(err) => {
            let note = format!("cannot read the stash's reflog: {err}");
            return starts.notes.push(Diagnostic::general_error(note));
        }
    };
    for line in lines {
        match line.map(|l| l.new_oid()) {
            Ok(id) if !id.is_null() => starts.include.push(id),
            Ok(_) => {}
            Err(err) => starts.notes.push(Diagnostic::general_error(format!(
                "cannot read an entry of the stash's reflog: {err}"
            ))),
        }
    }
}

/// Adds the commit `name` points to (through the annotated tag `tag`, if any), or the blob or
/// tree it reaches without a commit.
fn add_ref_target(
    repo: &gix::Repository,
    name: &str,
    id: ObjectId,
    tag: Option<ObjectId>,
    starts: &mut Starts,
) {
    use gix::objs::Kind;
    match repo.try_find_header(id) {
        Ok(Some(header)) if header.kind() == Kind::Commit => starts.include.push(id),
        Ok(Some(header)) if matches!(header.kind(), Kind::Blob | Kind::Tree) => {
            starts.objects.push(RefObject {
                name: name.to_string(),
                target: id,
                tree: header.kind() == Kind::Tree,
                tag,
            })
        }
        Ok(Some(header)) => starts.notes.push(Diagnostic::general_warning(format!(
            "ref {name} points to a {}, not a commit: not scanned",
            header.kind()
        ))),
        Ok(None) => starts.notes.push(Diagnostic::general_error(format!(
            "ref {name} points to missing object {id}"
        ))),
        Err(err) => starts.notes.push(Diagnostic::general_error(format!(
            "ref {name}: cannot read object {id}: {err}"
        ))),
    }
}
