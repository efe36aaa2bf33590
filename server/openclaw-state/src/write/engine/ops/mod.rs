//! The operations, each as checks on the state as read and an edit on the loaded documents,
//! handed to the runner. No operation locks, reads store bytes or writes a file itself.

pub(super) mod cooldown;
pub(super) mod env;
pub(super) mod order;
pub(super) mod paste;
pub(super) mod remove;
