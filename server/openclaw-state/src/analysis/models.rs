//! The models an agent is configured to call, each tagged with its role. The `--check` routes and
//! the doctor's "a model's provider has no credential" both read this one list.
//!
//! Invariant: every configured model ref is here (default, fallbacks, image model and its
//! fallbacks, utility model), so no role can be forgotten by one reader and seen by another.

use crate::config::ModelRefs;
use crate::rules::RuleSet;

/// Why an agent may call a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelRole {
    /// The default (primary) model: every request starts here.
    Default,
    /// A text fallback: used when the ones before it fail.
    Fallback,
    /// The utility model (2026.6+: the built-in one for the default's provider, or `utilityModel`).
    Utility,
    /// The image model.
    Image,
    /// An image fallback.
    ImageFallback,
}

impl ModelRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Default => "default model",
            Self::Fallback => "fallback model",
            Self::Utility => "utility model",
            Self::Image => "image model",
            Self::ImageFallback => "image fallback model",
        }
    }

    pub fn is_default(self) -> bool {
        self == Self::Default
    }

    /// Image routes are judged on availability only by `--check`: they fail, never warn.
    pub fn is_image(self) -> bool {
        matches!(self, Self::Image | Self::ImageFallback)
    }
}

/// One configured model ref and its role.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ModelUse {
    /// `provider/model` as configured.
    pub model_ref: String,
    pub provider: String,
    /// The part after the provider.
    pub model: String,
    pub role: ModelRole,
}

/// The utility model: `utilityModel` from config (`""` = disabled), else the version's built-in
/// one for the default's provider. Versions without utility models (before 2026.6) have none.
fn utility_model<'a>(models: &'a ModelRefs, default_model: &str, rules: &'a RuleSet) -> Option<&'a str> {
    if rules.utility_models.is_empty() {
        return None;
    }
    let default_provider = default_model.split_once('/').map(|(p, _)| p).unwrap_or_default();
    match models.utility.as_deref() {
        Some("") => None,
        Some(configured) => Some(configured),
        None => rules.utility_models.iter().find(|(p, _)| *p == default_provider).map(|(_, m)| *m),
    }
}

/// Every configured model with its role, in the order `--check` visits them: default,
/// fallbacks, utility, image, image fallbacks. Refs without a `provider/` part are left out
/// (OpenClaw resolves those through aliases, which name no provider to check).
pub fn models_in_use(models: &ModelRefs, default_model: &str, rules: &RuleSet) -> Vec<ModelUse> {
    let refs = std::iter::once((default_model, ModelRole::Default))
        .chain(models.fallbacks.iter().map(|r| (r.as_str(), ModelRole::Fallback)))
        .chain(utility_model(models, default_model, rules).map(|r| (r, ModelRole::Utility)))
        .chain(models.image.iter().map(|r| (r.as_str(), ModelRole::Image)))
        .chain(models.image_fallbacks.iter().map(|r| (r.as_str(), ModelRole::ImageFallback)));
    refs.filter_map(|(r, role)| {
        let (provider, model) = r.split_once('/')?;
        Some(ModelUse { model_ref: r.to_owned(), provider: provider.to_owned(), model: model.to_owned(), role })
    })
    .collect()
}

/// The distinct `(provider, model)` routes `--check` judges, first role wins.
pub(super) fn routes(uses: &[ModelUse]) -> Vec<&ModelUse> {
    let mut out: Vec<&ModelUse> = Vec::new();
    for u in uses {
        if !out.iter().any(|o| o.provider == u.provider && o.model == u.model) {
            out.push(u);
        }
    }
    out
}
