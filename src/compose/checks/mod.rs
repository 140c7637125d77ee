//! The compose checks. Each module turns the services of one evaluated compose set into hits;
//! severity adjustments across sets, de-duplication and suppression happen in `report`.

pub mod auth;
pub mod creds;
pub mod dict;
pub mod envfiles;
pub mod meta;
pub mod ports;
pub mod runtime;

use super::images::{family, normalize, Family, ImageRef};
use super::model::Service;
use super::yaml::{Loc, Node};
use crate::finding::Severity;

/// One raw result of a check, before cross-set merging.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Check id.
    pub rule: &'static str,
    /// Severity after the check's own rules (exposure, fallback).
    pub severity: Severity,
    /// Primary location.
    pub loc: Loc,
    /// What was found (never the secret itself).
    pub message: String,
    /// Stable identity for the fingerprint (e.g. `service/KEY`).
    pub identity: String,
    /// Secondary locations.
    pub related: Vec<(Loc, String)>,
    /// A secret value to show redacted.
    pub secret: Option<String>,
    /// Names in `message` that are public (the service, the image) and stay as they are even
    /// when they equal the secret: `postgres` the image is not `postgres` the password.
    pub public: Vec<String>,
    /// Found on a service that declares `profiles`.
    pub profiled: bool,
    /// A per-file check, exempt from development-context lowering.
    pub per_file: bool,
}

/// What the checks of one set see.
pub struct SetCtx<'a> {
    /// The merged model (top-level `networks`, `volumes`).
    pub root: &'a Node,
    /// The services.
    pub services: &'a [Service],
    /// Whether this is a production set.
    pub production: bool,
}

/// A service with its image classification.
pub struct Svc<'a> {
    /// The service.
    pub s: &'a Service,
    /// Its normalised image, if known.
    pub image: Option<ImageRef>,
    /// Its family in the image data.
    pub family: Option<&'static Family>,
}

impl<'a> Svc<'a> {
    /// Classifies a service.
    pub fn new(s: &'a Service) -> Svc<'a> {
        let image = s.image.as_ref().and_then(|i| i.text()).map(normalize);
        let family = image.as_ref().and_then(|i| family(&i.repo));
        Svc { s, image, family }
    }
    /// The family name, or "" when unknown.
    pub fn fam(&self) -> &str {
        self.family.map_or("", |f| f.family.as_str())
    }
    /// The repository, or "".
    pub fn repo(&self) -> &str {
        self.image.as_ref().map_or("", |i| i.repo.as_str())
    }
    /// A hit located on this service.
    pub fn hit(
        &self,
        rule: &'static str,
        severity: Severity,
        loc: Loc,
        alias: Option<&Loc>,
        key: &str,
        message: String,
    ) -> Hit {
        let related = alias
            .map(|a| vec![(a.clone(), "used here through a YAML alias".to_string())])
            .unwrap_or_default();
        Hit {
            rule,
            severity,
            loc,
            message,
            identity: format!("{}/{key}", self.s.name),
            related,
            secret: None,
            public: vec![self.s.name.to_string(), self.repo().to_string()],
            profiled: self.s.profiled,
            per_file: false,
        }
    }
}

/// Runs every per-set check.
pub fn run(ctx: &SetCtx<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    for s in ctx.services {
        let svc = Svc::new(s);
        let exposed = ports::exposed(ctx, &svc);
        ports::check(ctx, &svc, &mut out);
        creds::check(&svc, exposed, &mut out);
        auth::check(&svc, exposed, &mut out);
        runtime::check(ctx, &svc, &mut out);
    }
    out
}

/// One severity level lower, floor INFO.
pub fn lower(s: Severity) -> Severity {
    match s {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        Severity::Medium => Severity::Low,
        Severity::Low | Severity::Info => Severity::Info,
    }
}
