//! `panel-alerts`: alerts pushed before a credential dies.
//!
//! The flow of one evaluation (the caller, `panel-service`, owns the clock and the schedule):
//! [`condition::conditions`] reads what holds off the one analysis (plus the doctor's report and
//! the gateway's status) → [`ledger::Ledger::evaluate`] keeps only changes (a new level, a
//! recovery), one per condition and level per window → [`message::Composer`] makes messages (a
//! digest when many fire at once) → [`book::AlertBook`] queues them per channel and saves before
//! sending → [`channel::Sender`] delivers with retries; a failure stays queued and shows on the
//! page and in `/metrics`.
//!
//! Invariants: nothing here reads OpenClaw's files or writes them; a message is made of ids,
//! times, paths and links, never a secret; channel secrets leave only masked.

pub mod book;
pub mod channel;
pub mod condition;
pub mod ledger;
pub mod message;

pub use book::{AlertBook, AlertError, BookLock, ChannelHealth, Delivery};
pub use channel::{ChannelConfig, ChannelSettings, RetryPolicy, Sender, SmtpSecurity};
pub use condition::{Condition, GatewayObservation, Inputs, Links, conditions};
pub use ledger::{DEFAULT_WINDOW_MS, Event, Ledger};
pub use message::{Composer, Message, MessageKind};
