//! Writing OpenClaw's state the way OpenClaw does: its sidecar lock, atomic replacement, its JSON
//! text, and (in the modules built on these) the same edits its CLI makes, in every era.

pub mod atomic;
pub mod beneath;
pub mod config_edit;
pub mod engine;
pub mod env_file;
pub mod expiry;
pub mod json_text;
pub mod lock;
pub mod normalize;
pub mod store_doc;
pub mod time;
