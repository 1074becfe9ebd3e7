//! Pages behind a login, one module per family: logging in and out, "Mis indicadores" (units
//! report actuals), review by the planning office, target changes, the audit log,
//! administration and the account's API tokens. Each handler parses the form, calls one use case
//! of `avance-app` and renders its result or its refusal.

mod account;
mod admin;
mod audit;
mod login;
mod mine;
mod outbox;
mod pei;
mod poi;
mod recovery;
mod review;
mod targets;
mod tracking;

pub use account::{account, change_password, create_token, revoke_token, set_mail};
pub use admin::{admin, create_user, grant_exception, set_deadline, user_email, user_state};
pub use audit::{audit_csv, audit_log};
pub use login::{login, login_form, logout};
pub use mine::{mine, submit};
pub use outbox::{outbox, outbox_mail, resend_mail};
pub use pei::{entry as pei_entry, mine as my_pei, publish as pei_publish, record as pei_record};
pub use poi::{entry as poi_entry, mine as my_poi, publish as poi_publish, record as poi_record};
pub use recovery::{forgot, forgot_form, reset, reset_form};
pub use review::{review, review_list};
pub use targets::change_target;
pub use tracking::{tracking, tracking_csv};

/// What a refused plan form (a POI's month, a PEI's year) keeps: the values typed, by code, and the
/// message of each refused one.
struct Kept {
    values: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    message: String,
}

impl Kept {
    /// The form's `values` and the refused `items` (by position in `values`), and the refusal.
    fn refused(
        values: Vec<(String, String)>,
        items: Vec<(usize, avance_app::AppError)>,
        l: avance_core::lang::Lang,
    ) -> (Kept, avance_app::AppError) {
        let errors =
            items.iter().filter_map(|(i, e)| values.get(*i).map(|(code, _)| (code.clone(), e.message(l)))).collect();
        let e = avance_app::AppError::Items(items);
        (Kept { values, errors, message: e.message(l) }, e)
    }
}

/// "Mi PEI", "Mi POI": the form of the actor's own plan (`form`, from the use case that finds it),
/// or a page saying the account records none (`none`, in Spanish and English); the public is sent
/// to log in.
fn own_plan(v: &crate::view::Viewer, form: Option<String>, none: (&str, &str)) -> axum::response::Response {
    use axum::response::IntoResponse;
    if v.actor.user.is_none() {
        return crate::view::Fail::new(avance_app::AppError::Unauthenticated, v).into_response();
    }
    match form {
        Some(to) => crate::view::see_other(&to),
        None => crate::view::error_page(axum::http::StatusCode::NOT_FOUND, v.t(none.0, none.1), v.lang),
    }
}

/// An instant as pages show it: Lima's time, the zone named.
fn when(at: &str, lang: avance_core::lang::Lang) -> String {
    avance_report::labels::lima_time(at, lang)
}
