//! One module per page.

mod not_found;
mod profiles;

pub use not_found::NotFound;
pub use profiles::ProfilesPage;
