//! Logging in and out, sessions, API tokens, and the users of the application.

use std::time::Duration;

use avance_core::access::{Action, Event, Resource, Role};
use avance_store::app::{NewAudit, NewToken, NewUser, TokenRow, User};

use crate::error::{AppError, Field, Problem};
use crate::secrets::{digest, hash_password, secret, verify_password};
use crate::{Actor, App};

/// Failed logins by account name and by client address, in a sliding window, counted in the
/// database (every server counts the same attempts). Counting by the name typed (whether or not
/// the account exists) keeps the answer the same for both.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
pub const PER_ACCOUNT: usize = 5;
pub const PER_ADDRESS: usize = 30;

fn login_keys(username: &str, addr: &str) -> [(String, usize); 2] {
    [(format!("u:{}", username.trim().to_lowercase()), PER_ACCOUNT), (format!("a:{addr}"), PER_ADDRESS)]
}

impl App {
    fn window_start(&self) -> String {
        crate::clock::stamp(self.clock.now() - WINDOW)
    }

    /// `Ok` when none of the keys reached its limit in the window; else how long until the
    /// oldest attempt that counts leaves it.
    async fn limit(&self, keys: &[(String, usize)]) -> Result<Result<(), Duration>, AppError> {
        let now = self.clock.now();
        let since = self.window_start();
        let mut wait = Duration::ZERO;
        for (k, max) in keys {
            let (_, nth) = self.store.attempts(k, &since, i64::try_from(*max).unwrap_or(i64::MAX)).await?;
            if let Some(t) = nth.as_deref().and_then(crate::tracking::instant_of) {
                let left = (t + WINDOW - now).whole_seconds().max(1);
                wait = wait.max(Duration::from_secs(u64::try_from(left).unwrap_or(1)));
            }
        }
        Ok(if wait.is_zero() { Ok(()) } else { Err(wait) })
    }

    /// Counts a failed login; returns whether it locked the account or the address out.
    async fn login_failed(&self, username: &str, addr: &str) -> Result<bool, AppError> {
        let keys = login_keys(username, addr);
        let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
        self.store.record_attempts(&names, &self.now(), &self.window_start()).await?;
        let since = self.window_start();
        let mut locked = false;
        for (k, max) in &keys {
            let (n, _) = self.store.attempts(k, &since, 0).await?;
            locked |= n == i64::try_from(*max).unwrap_or(i64::MAX);
        }
        Ok(locked)
    }

    async fn login_succeeded(&self, username: &str) -> Result<(), AppError> {
        self.store.clear_attempts(&format!("u:{}", username.trim().to_lowercase())).await?;
        Ok(())
    }

    /// Counts a request under `key` (every one, not only failures); `Err` with the wait when
    /// `max` were made in the window already (and this one is not counted).
    async fn counted_request(&self, key: &str, max: usize) -> Result<Result<(), Duration>, AppError> {
        if let Err(wait) = self.limit(&[(key.to_string(), max)]).await? {
            return Ok(Err(wait));
        }
        self.store.record_attempts(&[key], &self.now(), &self.window_start()).await?;
        Ok(Ok(()))
    }
}

/// A login attempt.
#[derive(Debug, Clone, Default)]
pub struct Login {
    pub username: String,
    pub password: String,
    /// The client's address, as the face knows it (for the limiter and the audit log).
    pub client: String,
    /// The secret of a session the client already had: it is ended (a new secret at each login).
    pub previous_session: Option<String>,
}

/// A session just opened: its secret goes to the client, only its hash is stored.
#[derive(Debug, Clone)]
pub struct Session {
    pub secret: String,
    pub user: User,
}

/// An API token as its owner sees it in the list: as stored (named by the SHA-256 of its secret,
/// never the secret), and whether it still opens the API now (not revoked, not expired).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub stored: TokenRow,
    pub active: bool,
}

/// A new account, as an administrator fills it in.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub username: String,
    pub name: String,
    /// `admin`, `planning` or `unit`.
    pub role: String,
    pub scope: String,
    pub password: String,
    /// Where its e-mail goes; empty: none.
    pub email: String,
}

impl NewAccount {
    /// Checks the fields; the error names the field.
    pub fn check(&self) -> Result<Role, AppError> {
        let u = &self.username;
        let name_ok = !u.is_empty()
            && u.len() <= 64
            && u.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !name_ok {
            return Err(AppError::invalid(Field::Username, Problem::UsernameFormat));
        }
        if self.name.trim().is_empty() {
            return Err(AppError::invalid(Field::Name, Problem::NameRequired));
        }
        let role: Role = self
            .role
            .trim()
            .parse()
            .ok()
            .filter(|r| *r != Role::Public)
            .ok_or(AppError::invalid(Field::Role, Problem::RoleUnknown))?;
        if role.needs_scope() && self.scope.trim().is_empty() {
            return Err(AppError::invalid(Field::Scope, Problem::ScopeRequired));
        }
        if self.password.chars().count() < 12 {
            return Err(AppError::invalid(Field::Password, Problem::PasswordTooShort));
        }
        crate::mail::check_email(&self.email)?;
        Ok(role)
    }
}

fn unit_of(u: &User) -> Option<&str> {
    if u.role == Role::Unit { u.scope.as_deref() } else { None }
}

/// Runs a CPU-heavy password function off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        tracing::error!(error = %e, "password hashing task failed");
        AppError::Store(avance_store::StoreError::Corrupt { policy: String::new(), detail: e.to_string() })
    })
}

impl App {
    /// Logs a user in: checks the limiter and the password, ends the previous session, opens a
    /// new one; failures are audited.
    pub async fn login(&self, req: Login) -> Result<Session, AppError> {
        let username: String = req.username.trim().chars().take(64).collect();
        let detail = format!("desde {}", req.client);
        if let Err(wait) = self.limit(&login_keys(&username, &req.client)).await? {
            tracing::warn!(user = %username, client = %req.client, "login refused: too many attempts");
            let at = self.now();
            self.store
                .log(&NewAudit { detail: Some(&detail), ..NewAudit::new(&at, &username, Event::LoginRefused) })
                .await?;
            return Err(AppError::TooManyAttempts { retry_after: wait.as_secs().max(1) });
        }
        let user = self.store.user_by_name(&username).await?.filter(|u| u.active);
        let hash = user.as_ref().map(|u| u.password_hash.clone());
        let password = req.password.clone();
        let ok = blocking(move || verify_password(&password, hash.as_deref())).await?;
        let at = self.now();
        let Some(user) = user.filter(|_| ok) else {
            let locked = self.login_failed(&username, &req.client).await?;
            let entry = NewAudit { detail: Some(&detail), ..NewAudit::new(&at, &username, Event::LoginFailed) };
            self.store.log(&entry).await?;
            if locked {
                tracing::warn!(user = %username, client = %req.client, "locked out after failed logins");
                let entry = NewAudit { detail: Some(&detail), ..NewAudit::new(&at, &username, Event::LockedOut) };
                self.store.log(&entry).await?;
            }
            return Err(AppError::BadCredentials);
        };
        self.login_succeeded(&username).await?;
        if let Some(old) = &req.previous_session {
            self.store.end_session(&digest(old), &NewAudit::new(&at, &user.username, Event::Logout)).await?;
        }
        let session = secret();
        let expires = crate::clock::stamp(self.clock.now() + time::Duration::hours(self.settings.session_hours));
        let entry = NewAudit {
            detail: Some(&detail),
            unit: unit_of(&user),
            ..NewAudit::new(&at, &user.username, Event::Login)
        };
        self.store.create_session(&digest(&session), user.id, &expires, &entry).await?;
        Ok(Session { secret: session, user })
    }

    /// Ends a session.
    pub async fn logout(&self, actor: &Actor, session: &str) -> Result<(), AppError> {
        let at = self.now();
        self.store.end_session(&digest(session), &NewAudit::new(&at, &actor.name, Event::Logout)).await?;
        Ok(())
    }

    /// The actor of a session secret (the public when it is unknown or expired).
    pub async fn session_actor(&self, session: &str) -> Result<Actor, AppError> {
        let user = self.store.session_user(&digest(session), &self.now()).await?;
        Ok(user.map_or_else(Actor::public, Actor::user))
    }

    /// The actor of an API token; `None` when the token is unknown, revoked, expired or its user
    /// inactive. Its last use is recorded (to the nearest ten minutes).
    pub async fn token_actor(&self, token: &str) -> Result<Option<Actor>, AppError> {
        let hash = digest(token);
        let now = self.clock.now();
        let Some(user) = self.store.token_user(&hash, &crate::clock::stamp(now)).await? else { return Ok(None) };
        let since = crate::clock::stamp(now - time::Duration::minutes(10));
        self.store.touch_token(&hash, &crate::clock::stamp(now), &since).await?;
        Ok(Some(Actor::user(user)))
    }

    /// Creates an API token for the actor's own account, valid for the configured days; the
    /// token is shown once.
    pub async fn create_token(&self, actor: &Actor, label: &str) -> Result<String, AppError> {
        let user = actor.user.as_ref().ok_or(AppError::Unauthenticated)?;
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 100 {
            return Err(AppError::invalid(Field::Label, Problem::TokenLabel));
        }
        let token = format!("avk_{}", secret());
        let at = self.now();
        let expires = crate::clock::stamp(self.clock.now() + time::Duration::days(self.settings.token_days));
        let entry = NewAudit {
            detail: Some(label),
            unit: unit_of(user),
            ..NewAudit::new(&at, &user.username, Event::CreateToken)
        };
        let hash = digest(&token);
        let new = NewToken { token_hash: &hash, user_id: user.id, label, expires_at: &expires };
        self.store.create_token(&new, &entry).await?;
        Ok(token)
    }

    /// The actor's own API tokens, with their expiry, last use and state.
    pub async fn tokens(&self, actor: &Actor) -> Result<Vec<Token>, AppError> {
        let user = actor.user.as_ref().ok_or(AppError::Unauthenticated)?;
        let now = self.now();
        let list = self.store.tokens(user.id).await?;
        Ok(list
            .into_iter()
            .map(|t| Token {
                active: t.revoked_at.is_none() && t.expires_at.as_deref().is_none_or(|e| e > now.as_str()),
                stored: t,
            })
            .collect())
    }

    /// Revokes one of the actor's own tokens: it stops opening the API at once.
    pub async fn revoke_token(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        let user = actor.user.as_ref().ok_or(AppError::Unauthenticated)?;
        let label = self.store.tokens(user.id).await?.into_iter().find(|t| t.token_hash == id).map(|t| t.label);
        let Some(label) = label else { return Err(AppError::NotFound(crate::Missing::Token)) };
        let at = self.now();
        let entry = NewAudit {
            detail: Some(&label),
            unit: unit_of(user),
            ..NewAudit::new(&at, &user.username, Event::RevokeToken)
        };
        self.store.revoke_token(user.id, id, &entry).await?;
        Ok(())
    }

    /// Changes the actor's own password, given the current one (a wrong one counts as a failed
    /// login). Every session of the account ends: the user logs in again with the new password.
    pub async fn change_password(&self, actor: &Actor, current: &str, new: &str, client: &str) -> Result<(), AppError> {
        let user = actor.user.as_ref().ok_or(AppError::Unauthenticated)?;
        if let Err(wait) = self.limit(&login_keys(&user.username, client)).await? {
            return Err(AppError::TooManyAttempts { retry_after: wait.as_secs().max(1) });
        }
        let (hash, typed) = (user.password_hash.clone(), current.to_string());
        if !blocking(move || verify_password(&typed, Some(&hash))).await? {
            self.login_failed(&user.username, client).await?;
            return Err(AppError::invalid(Field::CurrentPassword, Problem::WrongPassword));
        }
        if new.chars().count() < 12 {
            return Err(AppError::invalid(Field::Password, Problem::PasswordTooShort));
        }
        if new == current {
            return Err(AppError::invalid(Field::Password, Problem::SamePassword));
        }
        let password = new.to_string();
        let hash = blocking(move || hash_password(&password)).await?;
        let at = self.now();
        let entry = NewAudit {
            detail: Some("propia"),
            unit: unit_of(user),
            ..NewAudit::new(&at, &user.username, Event::SetPassword)
        };
        self.store.set_password(&user.username, &hash, &entry).await?;
        Ok(())
    }

    /// Creates a user (the administrator, or the command line's operator).
    pub async fn create_user(&self, actor: &Actor, account: &NewAccount) -> Result<User, AppError> {
        self.allow(actor, Action::ManageUsers, &Resource::Site)?;
        let role = account.check()?;
        if role.needs_scope() {
            self.check_scope(role, account.scope.trim()).await?;
        }
        let password = account.password.clone();
        let hash = blocking(move || hash_password(&password)).await?;
        let at = self.now();
        let scope = if role.needs_scope() { Some(account.scope.trim()) } else { None };
        let detail = format!("{} ({})", account.username, role.label(avance_core::lang::Lang::Es));
        let email = crate::mail::check_email(&account.email)?;
        let new = NewUser {
            username: &account.username,
            display_name: account.name.trim(),
            role,
            scope,
            password_hash: &hash,
            email: email.as_deref(),
        };
        let entry = NewAudit {
            detail: Some(&detail),
            unit: if role == Role::Unit { scope } else { None },
            ..NewAudit::new(&at, &actor.name, Event::CreateUser)
        };
        self.store.create_user(&new, &entry).await?;
        self.store
            .user_by_name(&account.username)
            .await?
            .ok_or(AppError::NotFound(crate::Missing::User(account.username.clone())))
    }

    /// A scope must name what the loaded policies or plans have: a conducting ministry's code,
    /// or an entity's code of a loaded POI or PEI, for a planning office; a responsible unit of some
    /// indicator for a unit.
    async fn check_scope(&self, role: Role, scope: &str) -> Result<(), AppError> {
        let loaded = self.loaded().await?;
        let mut known = loaded.policies.values().any(|p| match role {
            Role::Planning => p.meta().ministry.code == scope,
            _ => p.indicators().iter().any(|i| avance_core::access::is_responsible(&i.responsible, scope)),
        });
        if !known && role == Role::Planning {
            known = self.store.poi_plans().await?.iter().any(|p| p.entity_code.eq_ignore_ascii_case(scope))
                || self.store.pei_plans().await?.iter().any(|p| p.entity_code.eq_ignore_ascii_case(scope));
        }
        if known {
            Ok(())
        } else {
            Err(AppError::invalid(Field::Scope, Problem::ScopeUnknown { role, scope: scope.to_string() }))
        }
    }

    /// Activates or deactivates a user; deactivating ends its sessions and tokens. The
    /// administrator cannot deactivate its own account.
    pub async fn set_user_active(&self, actor: &Actor, username: &str, active: bool) -> Result<(), AppError> {
        self.allow(actor, Action::ManageUsers, &Resource::Site)?;
        if username == actor.name && !active {
            return Err(AppError::invalid(Field::Username, Problem::OwnAccount));
        }
        let at = self.now();
        let event = if active { Event::ActivateUser } else { Event::DeactivateUser };
        let entry = NewAudit { detail: Some(username), ..NewAudit::new(&at, &actor.name, event) };
        self.store.set_user_active(username, active, &entry).await?;
        Ok(())
    }

    /// "¿Olvidó su contraseña?": sends a single-use, expiring link to choose a new password to
    /// the account named (by user name or e-mail address), if it exists, is active and has an
    /// address. The answer is the same whatever the case; only the client address's limit is
    /// told ([`AppError::TooManyRequests`]). An account gets at most [`RESETS_PER_HOUR`] links an
    /// hour. Every request is audited.
    ///
    /// [`RESETS_PER_HOUR`]: crate::mail::RESETS_PER_HOUR
    pub async fn request_reset(&self, who: &str, client: &str) -> Result<(), AppError> {
        let who: String = who.trim().chars().take(254).collect();
        if let Err(wait) = self.counted_request(&format!("r:{client}"), crate::mail::RESET_REQUESTS_PER_ADDRESS).await?
        {
            tracing::warn!(client = %client, "password reset refused: too many requests");
            return Err(AppError::TooManyRequests { retry_after: wait.as_secs().max(1) });
        }
        let users = if who.contains('@') {
            self.store.users_by_email(&who).await?
        } else {
            self.store.user_by_name(&who).await?.into_iter().filter(|u| u.active).collect()
        };
        let now = self.clock.now();
        let at = crate::clock::stamp(now);
        let hour_ago = crate::clock::stamp(now - time::Duration::hours(1));
        let mut sent = false;
        for user in users.iter().filter(|u| u.email.is_some()) {
            if self.store.resets_since(user.id, &hour_ago).await? >= crate::mail::RESETS_PER_HOUR {
                tracing::warn!(user = %user.username, "password reset: hourly limit of links reached, none sent");
                continue;
            }
            let token = secret();
            let expires = crate::clock::stamp(now + time::Duration::minutes(self.settings.mail.reset_minutes));
            let base = self.settings.mail.public_url.trim_end_matches('/');
            let link = format!("{base}/restablecer?token={token}");
            let r = avance_report::mail::reset(
                &avance_report::mail::Reset {
                    recipient: if user.display_name.trim().is_empty() { &user.username } else { &user.display_name },
                    username: &user.username,
                    link: &link,
                    expires_at: &expires,
                    base_url: base,
                },
                user.lang,
            );
            let mail = crate::mail::new_mail(avance_core::mail::MailKind::PasswordReset, None, user, r);
            let detail = format!("desde {client}; enlace enviado a {}", mail.recipient);
            let entry = NewAudit {
                detail: Some(&detail),
                unit: unit_of(user),
                ..NewAudit::new(&at, &user.username, Event::RequestReset)
            };
            self.store.create_reset(&digest(&token), user.id, &expires, &mail, &entry).await?;
            sent = true;
        }
        if sent {
            self.mail_written();
        } else {
            let actor: String = who.chars().take(64).collect();
            let detail = format!(
                "desde {client}; ningún enlace enviado (cuenta desconocida, inactiva, sin correo o con el límite por hora)"
            );
            self.store
                .log(&NewAudit { detail: Some(&detail), ..NewAudit::new(&at, &actor, Event::RequestReset) })
                .await?;
        }
        Ok(())
    }

    /// The account of a reset link that still works ([`Missing::ResetLink`] otherwise).
    ///
    /// [`Missing::ResetLink`]: crate::Missing::ResetLink
    pub async fn reset_link_user(&self, token: &str) -> Result<User, AppError> {
        self.store
            .reset_user(&digest(token.trim()), &self.now())
            .await?
            .ok_or(AppError::NotFound(crate::Missing::ResetLink))
    }

    /// Chooses a new password through a reset link: the link is used up (with the account's
    /// other links), every session of the account ends, the account's failed logins are
    /// forgotten; audited.
    pub async fn reset_password(&self, token: &str, new: &str, confirm: &str, client: &str) -> Result<User, AppError> {
        let user = self.reset_link_user(token).await?;
        if new.chars().count() < 12 {
            return Err(AppError::invalid(Field::Password, Problem::PasswordTooShort));
        }
        if new != confirm {
            return Err(AppError::invalid(Field::Confirm, Problem::PasswordsDiffer));
        }
        let password = new.to_string();
        let hash = blocking(move || hash_password(&password)).await?;
        let at = self.now();
        let detail = format!("desde {client}");
        let entry = NewAudit {
            detail: Some(&detail),
            unit: unit_of(&user),
            ..NewAudit::new(&at, &user.username, Event::ResetPassword)
        };
        self.store.use_reset(&digest(token.trim()), user.id, &hash, &entry).await?;
        self.login_succeeded(&user.username).await?;
        tracing::info!(user = %user.username, "password reset by link");
        Ok(user)
    }

    /// Whether a user of this name exists (the demo creates only the missing accounts).
    pub async fn user_exists(&self, username: &str) -> Result<bool, AppError> {
        Ok(self.store.user_by_name(username).await?.is_some())
    }
}
