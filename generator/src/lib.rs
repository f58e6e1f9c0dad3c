//! An OpenAPI (3.0, 3.1, 3.2, Swagger 2.0; one file or many) to Rust client generator.
//!
//! The generator is a pure function from a spec and a [`Config`] to the files of a crate, held
//! in memory: [`generate`]. The pipeline, one module per stage:
//!
//! ```text
//! spec text --load (normalize to 3.0)--> openapiv3::OpenAPI --lower--> model::Api --emit--> tokens --render--> files
//! ```

pub mod api_diff;
pub mod build;
pub mod bundle;
pub mod config;
pub mod diagnostic;
pub mod emit;
pub mod load;
pub mod lower;
pub mod model;
pub mod names;
pub mod normalize;
pub mod output;
pub mod overlay;
pub mod position;
pub mod render;

use std::collections::BTreeMap;

pub use diagnostic::{Kind, Location, SpecError, Warning, WarningFormat};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The package name of the emitted crate, e.g. `mittwald-api-client`.
    pub crate_name: String,
    /// Its version.
    pub crate_version: String,
    /// The spec's path as it should appear in errors and in the generated files' headers.
    pub spec_path: String,
    /// The command that regenerates the crate, named in every file's header.
    pub command: String,
    /// Which operations to generate (with every schema they reach).
    pub operations: Selection,
    /// Give the crate a `[workspace]` table of its own, so that it builds wherever it is
    /// written, even inside another workspace's folder.
    pub standalone: bool,
    /// Emit the runtime as the crate's `runtime` module instead of a crate of its own beside it
    /// (`runtime/`): for build scripts, which write one module and cannot add a dependency. As a
    /// crate (the default), the runtime compiles once, whatever tags the client is built with.
    pub runtime_module: bool,
    /// Type names chosen by an earlier run, by component schema name (the crate's
    /// [`names::LOCK_FILE`]): kept, so that a schema added upstream with the same last name
    /// segment cannot rename an existing type.
    pub pinned_names: BTreeMap<String, String>,
    /// Refuse a spec with bugs the generator would otherwise tolerate (the warnings whose
    /// [`diagnostic::Kind::is_spec_bug`] is true): for the owners of a spec who want it clean.
    pub strict: bool,
    /// Overlay documents (paths, or URLs when remote references are allowed) applied in order
    /// to the document before it is read.
    pub overlays: Vec<String>,
    /// What the configuration file says about names and types (its crate name, version and
    /// operations are already in the fields above).
    pub settings: config::Settings,
}

impl Config {
    /// How [`diff_configured`] reads the spec at `spec_path`: with the configuration's
    /// operations and Overlays, names and types (the crate's name and version play no part).
    pub fn for_diff(spec_path: &str, settings: config::Settings) -> Self {
        Config {
            crate_name: "api".to_owned(),
            crate_version: "0.1.0".to_owned(),
            spec_path: spec_path.to_owned(),
            command: String::new(),
            operations: Selection::parse(settings.operations.as_deref().unwrap_or("all")),
            standalone: true,
            runtime_module: false,
            pinned_names: BTreeMap::new(),
            strict: false,
            overlays: settings.overlays.clone(),
            settings,
        }
    }
}

/// Which operations to generate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Selection {
    /// Every operation, and every component schema whether used or not.
    #[default]
    All,
    /// The operations matching any of these, and only the schemas they reach.
    Only(Vec<Selector>),
}

/// One item of a [`Selection`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    OperationId(String),
    /// Every operation whose first tag is this one (case-insensitive).
    Tag(String),
}

impl Selection {
    /// Parses `all`, or a comma-separated list of operationIds and `tag:<Tag>` items.
    pub fn parse(text: &str) -> Self {
        let items: Vec<&str> = text.split(',').map(str::trim).filter(|item| !item.is_empty()).collect();
        if items.is_empty() || items == ["all"] {
            return Selection::All;
        }
        Selection::Only(
            items
                .into_iter()
                .map(|item| match item.strip_prefix("tag:") {
                    Some(tag) => Selector::Tag(tag.to_owned()),
                    None => Selector::OperationId(item.to_owned()),
                })
                .collect(),
        )
    }
}

impl Selector {
    /// Whether the operation with this id and first tag is selected.
    pub fn matches(&self, operation_id: Option<&str>, tag: &str) -> bool {
        match self {
            Selector::OperationId(id) => operation_id == Some(id.as_str()),
            Selector::Tag(wanted) => wanted.eq_ignore_ascii_case(tag),
        }
    }
}

/// The files of the emitted crate, by path relative to its root, and the warnings worth
/// showing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub files: BTreeMap<String, String>,
    pub warnings: Vec<Warning>,
}

/// Generates the client crate for the spec `text` (at `config.spec_path`; the files its
/// references name are read from beside it). Same input, same bytes.
pub fn generate(text: &str, config: &Config) -> Result<Generated, SpecError> {
    generate_from(&mut bundle::Sources::new(config.spec_path.clone(), text), config)
}

/// [`generate`] for a document whose files come from `sources`, the root being
/// `sources.root()`. Afterwards `sources` holds every file that was read, for diagnostics
/// ([`diagnostic::Report::with_files`]) and build scripts.
pub fn generate_from(sources: &mut bundle::Sources, config: &Config) -> Result<Generated, SpecError> {
    generate_from_with(sources, config, &|_, _| ())
}

/// [`generate_from`], handing each file to `on_file` (its path in the crate, its text) as soon
/// as it is made, from the thread that made it, in no set order (the command writes them while
/// others are made; [`output::Writer`]). Nothing is handed over when the spec is refused. A
/// bug of the generator found while formatting (an error) may come after some files were.
pub fn generate_from_with(
    sources: &mut bundle::Sources,
    config: &Config,
    on_file: &(dyn Fn(&str, &str) + Sync),
) -> Result<Generated, SpecError> {
    let loaded = load::load_sources(sources, &config.overlays)?;
    let (api, warnings) =
        lower::lower_with(&config.spec_path, &loaded.spec, &config.operations, &config.pinned_names, &config.settings)
            .map_err(|e| loaded.locate(e))?;
    let mut warnings: Vec<Warning> =
        loaded.warnings.iter().cloned().chain(warnings.into_iter().map(|w| loaded.locate(w))).collect();
    // A node copied to several places (a `$ref`'d callback, a response of another operation)
    // is one node of the user's: one warning.
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert((w.kind, w.location.clone(), w.message.clone())));
    if config.strict {
        if let Some(bug) = warnings.iter().find(|w| w.kind.is_spec_bug()) {
            let more = warnings.iter().filter(|w| w.kind.is_spec_bug()).count() - 1;
            let mut error = bug.clone();
            error.message = format!(
                "{} [refused by --strict; without it, a warning of kind `{}`{}]",
                error.message,
                error.kind,
                if more > 0 { format!(", and {more} more spec bugs") } else { String::new() }
            );
            return Err(error);
        }
    }
    let files = render::generate_files_with(&api, config, on_file)?;
    Ok(Generated { files, warnings })
}

/// Compares the public API generated from two specs (see [`api_diff`]).
pub fn diff_specs(
    old_path: &str,
    old_text: &str,
    new_path: &str,
    new_text: &str,
) -> Result<api_diff::Report, SpecError> {
    let settings = config::Settings::default();
    diff_configured(
        &mut bundle::Sources::new(old_path.to_owned(), old_text),
        &Config::for_diff(old_path, settings.clone()),
        &mut bundle::Sources::new(new_path.to_owned(), new_text),
        &Config::for_diff(new_path, settings),
    )
}

/// Compares the public API generated from two specs, each read as [`generate_from`] reads it:
/// with its files, its Overlays and its configuration's names and types, so that a rename in
/// the configuration, or a fix in an Overlay, shows as what it changes for users.
pub fn diff_configured(
    old_sources: &mut bundle::Sources,
    old_config: &Config,
    new_sources: &mut bundle::Sources,
    new_config: &Config,
) -> Result<api_diff::Report, SpecError> {
    // The new spec is lowered with the old one's type names pinned, as regenerating the crate
    // with its lock file would: a schema added upstream does not show as a rename.
    let model = |sources: &mut bundle::Sources,
                 config: &Config,
                 pinned: &BTreeMap<String, String>|
     -> Result<(model::Api, BTreeMap<String, String>), SpecError> {
        let loaded = load::load_sources(sources, &config.overlays)?;
        let spec = &loaded.spec;
        let mut pinned = pinned.clone();
        pinned.extend(config.pinned_names.iter().map(|(k, v)| (k.clone(), v.clone())));
        let (api, _) = lower::lower_with(&config.spec_path, spec, &config.operations, &pinned, &config.settings)
            .map_err(|e| loaded.locate(e))?;
        let schemas = spec
            .components
            .iter()
            .flat_map(|c| &c.schemas)
            .map(|(name, schema)| (name.clone(), serde_json::to_string(schema).unwrap_or_default()))
            .collect();
        Ok((api, schemas))
    };
    let (old, old_schemas) = model(old_sources, old_config, &BTreeMap::new())?;
    let (new, new_schemas) = model(new_sources, new_config, &lower::component_type_names(&old))?;
    Ok(api_diff::compare(&old, &new, &old_schemas, &new_schemas))
}
