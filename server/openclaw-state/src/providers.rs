//! Provider ids and the environment variables OpenClaw reads for each (facts file §8).
//!
//! The base table is OpenClaw's; the differences between OpenClaw versions (providers a version
//! does not recognise, extra names) live in [`crate::rules`], not here.

/// Known model providers and their credential env vars, first non-empty wins.
pub const PROVIDER_ENV_VARS: &[(&str, &[&str])] = &[
    ("anthropic", &["ANTHROPIC_OAUTH_TOKEN", "ANTHROPIC_API_KEY"]),
    ("openai", &["OPENAI_API_KEY"]),
    ("google", &["GEMINI_API_KEY", "GOOGLE_API_KEY"]),
    ("google-vertex", &["GOOGLE_CLOUD_API_KEY"]),
    ("openrouter", &["OPENROUTER_API_KEY"]),
    ("github-copilot", &["COPILOT_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN"]),
    ("xai", &["XAI_API_KEY"]),
    ("groq", &["GROQ_API_KEY"]),
    ("mistral", &["MISTRAL_API_KEY"]),
    ("deepseek", &["DEEPSEEK_API_KEY"]),
    ("together", &["TOGETHER_API_KEY"]),
    ("fireworks", &["FIREWORKS_API_KEY"]),
    ("moonshot", &["MOONSHOT_API_KEY"]),
    ("kimi", &["KIMI_API_KEY", "KIMICODE_API_KEY"]),
    ("zai", &["ZAI_API_KEY", "Z_AI_API_KEY"]),
    ("minimax", &["MINIMAX_API_KEY"]),
    ("minimax-portal", &["MINIMAX_OAUTH_TOKEN", "MINIMAX_API_KEY"]),
    ("qwen", &["QWEN_API_KEY", "MODELSTUDIO_API_KEY", "DASHSCOPE_API_KEY"]),
    ("alibaba", &["MODELSTUDIO_API_KEY", "DASHSCOPE_API_KEY", "QWEN_API_KEY"]),
    ("chutes", &["CHUTES_API_KEY", "CHUTES_OAUTH_TOKEN"]),
    ("huggingface", &["HUGGINGFACE_HUB_TOKEN", "HF_TOKEN"]),
    ("cerebras", &["CEREBRAS_API_KEY"]),
    ("nvidia", &["NVIDIA_API_KEY"]),
    ("venice", &["VENICE_API_KEY"]),
    ("litellm", &["LITELLM_API_KEY"]),
    ("ollama", &["OLLAMA_API_KEY"]),
    ("vllm", &["VLLM_API_KEY"]),
    ("sglang", &["SGLANG_API_KEY"]),
    ("synthetic", &["SYNTHETIC_API_KEY"]),
    ("kilocode", &["KILOCODE_API_KEY"]),
    ("perplexity", &["PERPLEXITY_API_KEY"]),
    ("opencode", &["OPENCODE_API_KEY", "OPENCODE_ZEN_API_KEY"]),
    ("opencode-go", &["OPENCODE_API_KEY", "OPENCODE_ZEN_API_KEY"]),
    ("vercel-ai-gateway", &["AI_GATEWAY_API_KEY"]),
    ("cloudflare-ai-gateway", &["CLOUDFLARE_AI_GATEWAY_API_KEY"]),
    ("microsoft-foundry", &["AZURE_OPENAI_API_KEY"]),
    ("qianfan", &["QIANFAN_API_KEY"]),
    ("xiaomi", &["XIAOMI_API_KEY"]),
    ("arcee", &["ARCEEAI_API_KEY"]),
    ("volcengine", &["VOLCANO_ENGINE_API_KEY"]),
    ("byteplus", &["BYTEPLUS_API_KEY"]),
    ("stepfun", &["STEPFUN_API_KEY"]),
    ("stepfun-plan", &["STEPFUN_API_KEY"]),
    ("voyage", &["VOYAGE_API_KEY"]),
    ("qwen-dashscope", &["DASHSCOPE_API_KEY"]),
];

/// Provider aliases OpenClaw folds into one id.
const ALIASES: &[(&str, &str)] = &[
    ("opencode-zen", "opencode"),
    ("opencode-go-auth", "opencode-go"),
    ("kimi-code", "kimi"),
    ("kimi-coding", "kimi"),
    ("z.ai", "zai"),
    ("z-ai", "zai"),
    ("modelstudio", "qwen"),
    ("qwencloud", "qwen"),
    ("bytedance", "volcengine"),
    ("doubao", "volcengine"),
    ("bedrock", "amazon-bedrock"),
    ("aws-bedrock", "amazon-bedrock"),
];

/// Normalises a provider id: trimmed, lower-case, aliases folded.
pub fn normalize_provider(raw: &str) -> String {
    let lower = raw.trim().to_lowercase();
    ALIASES.iter().find(|(alias, _)| *alias == lower).map(|(_, canonical)| (*canonical).to_owned()).unwrap_or(lower)
}

/// The env vars OpenClaw reads for `provider`, in priority order (empty for unknown providers).
pub fn env_vars_for(provider: &str) -> &'static [&'static str] {
    PROVIDER_ENV_VARS.iter().find(|(p, _)| *p == provider).map(|(_, vars)| *vars).unwrap_or(&[])
}

/// The variable `paste-api-key --to env` writes for a provider: the first `*_API_KEY` of its list,
/// else `<PROVIDER>_API_KEY`.
pub fn api_key_env_var(provider: &str) -> String {
    env_vars_for(provider)
        .iter()
        .find(|v| v.ends_with("_API_KEY"))
        .map(|v| (*v).to_owned())
        .unwrap_or_else(|| format!("{}_API_KEY", provider.to_uppercase().replace(['-', '.'], "_")))
}

/// Well-known provider ids, offered as suggestions.
pub fn known_providers() -> impl Iterator<Item = &'static str> {
    PROVIDER_ENV_VARS.iter().map(|(p, _)| *p).chain([
        "openai-codex",
        "google-gemini-cli",
        "google-antigravity",
        "amazon-bedrock",
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_table() {
        assert_eq!(env_vars_for("anthropic"), &["ANTHROPIC_OAUTH_TOKEN", "ANTHROPIC_API_KEY"]);
        assert!(env_vars_for("nope").is_empty());
        assert_eq!(api_key_env_var("anthropic"), "ANTHROPIC_API_KEY");
        assert_eq!(api_key_env_var("my-proxy"), "MY_PROXY_API_KEY");
        assert_eq!(api_key_env_var("github-copilot"), "GITHUB_COPILOT_API_KEY");
    }

    #[test]
    fn aliases_fold() {
        assert_eq!(normalize_provider(" Z.AI "), "zai");
        assert_eq!(normalize_provider("Anthropic"), "anthropic");
    }
}
