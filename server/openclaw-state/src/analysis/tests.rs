//! Unit tests of the analysis: roll-ups, models in use, the check's legacy-store rule.

use super::providers::rollup_9;
use crate::credential::CredentialKind;
use crate::health::{HealthStatus, ProfileHealth};

fn h(status: HealthStatus) -> ProfileHealth {
    ProfileHealth { status, reason: None, expires_at: None, remaining_ms: None, unusable: None }
}

#[test]
fn rollup_of_2026_6_ranks_expired_then_missing_then_expiring() {
    use CredentialKind::*;
    use HealthStatus::*;
    let (ok, exp, miss, soon, st) = (h(Ok), h(Expired), h(Missing), h(Expiring), h(Static));
    assert_eq!(rollup_9([(Token, &miss), (Token, &exp)]), Expired);
    assert_eq!(rollup_9([(Token, &soon), (ApiKey, &miss)]), Missing);
    assert_eq!(rollup_9([(Token, &soon), (Token, &ok)]), Expiring);
    assert_eq!(rollup_9([(ApiKey, &st)]), Static);
    assert_eq!(rollup_9([(ApiKey, &st), (Token, &st)]), Ok);
    assert_eq!(rollup_9(std::iter::empty()), Missing);
}
