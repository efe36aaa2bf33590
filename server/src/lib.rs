//! The server side of the panel as a library: the router factory, the command line and the demo
//! state. `main.rs` only parses arguments and dispatches, so tests drive everything from here.

// Leptos views are deeply nested types; the paste form and the profiles table exceed the default.
#![recursion_limit = "512"]

pub mod alerts_cmd;
pub mod assets;
pub mod auth;
pub mod auth_cmd;
pub mod cli;
pub mod data_dir;
pub mod demo;
pub mod doctor_cmd;
pub mod gateway_cmd;
pub mod guard;
pub mod http;
pub mod limits;
pub mod listener;
pub mod logging;
pub mod monitoring;
pub mod page_cache;
pub mod password_cmd;
pub mod private_fs;
pub mod probe_cmd;
pub mod serve;
pub mod service_cmd;
pub mod service_unit;
pub mod status_cmd;
pub mod tls;
