//! One module per page.

mod alerts;
mod doctor;
mod doctor_live;
mod env_keys;
mod history;
mod login;
mod not_found;
mod profiles;
mod setup;

pub use alerts::AlertsPage;
pub use doctor::DoctorPage;
pub use env_keys::EnvKeysPage;
pub use history::HistoryPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use profiles::ProfilesPage;
pub use setup::{SETUP_TOKEN_STORAGE_KEY, SetupPage};
