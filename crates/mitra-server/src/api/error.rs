//! [`ApiError`]: every refusal of the API, and the one place that turns it
//! into a response (`{"error": code, "message": text}`).

use std::time::Duration;

use hyper::StatusCode;
use hyper::header::{self, HeaderValue};
use mitra_access::AccessError;
use serde::Serialize;

use crate::web::{Body, fixed};

/// Why an API request was refused: a status, a stable machine-readable
/// code, a message for people, and what the log gets (never a secret).
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `error` code of the body (see `docs/api.md`).
    pub code: &'static str,
    /// The `message` of the body.
    pub message: String,
    /// For `unauthenticated`: whether setup is still needed (no user yet).
    pub setup_needed: Option<bool>,
    /// For `rate_limited`: the `Retry-After` header.
    pub retry_after: Option<Duration>,
    /// For `method_not_allowed`: the `Allow` header.
    pub allow: Option<String>,
    /// What went wrong inside (a store failure), for the log only.
    pub cause: Option<String>,
}

impl ApiError {
    /// An error with `status`, `code` and `message`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            setup_needed: None,
            retry_after: None,
            allow: None,
            cause: None,
        }
    }

    /// 400 `invalid_input`.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_input", message)
    }

    /// 401 `unauthenticated`, saying whether setup is still needed.
    pub fn unauthenticated(setup_needed: bool) -> ApiError {
        ApiError {
            setup_needed: Some(setup_needed),
            ..ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "sign in, or send an API token as Authorization: Bearer",
            )
        }
    }

    /// 401 `invalid_credentials` (one message for every kind of wrong
    /// secret, so none is told apart).
    pub fn invalid_credentials() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "wrong username, password or secret",
        )
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 404 `not_found`: `what` does not exist or is not visible to the caller.
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }

    /// 409 `conflict`.
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// 429 `rate_limited`, to retry after `wait`.
    pub fn rate_limited(wait: Duration) -> ApiError {
        ApiError {
            retry_after: Some(wait),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many attempts from this address; try again later",
            )
        }
    }

    /// 503 `unavailable`, logging `cause`.
    pub fn unavailable(cause: impl Into<String>) -> ApiError {
        ApiError {
            cause: Some(cause.into()),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "access control is unavailable right now; try again",
            )
        }
    }

    /// 503 `unavailable` with `Retry-After: 1`: too many password checks
    /// at once ([`AccessError::Busy`]); nothing was done. Not a failure of
    /// the server, so not logged as one.
    pub fn busy() -> ApiError {
        ApiError {
            retry_after: Some(Duration::from_secs(1)),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "too many sign-ins at once; try again in a moment",
            )
        }
    }

    /// 500 `internal`, logging `cause`.
    pub fn internal(cause: impl Into<String>) -> ApiError {
        ApiError {
            cause: Some(cause.into()),
            ..ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "something went wrong on the server",
            )
        }
    }

    /// The response: the JSON body and the headers that go with it.
    pub fn into_response(self) -> hyper::Response<Body> {
        #[derive(Serialize)]
        struct Wire<'a> {
            error: &'a str,
            message: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            setup_needed: Option<bool>,
        }
        let body = serde_json::to_vec(&Wire {
            error: self.code,
            message: &self.message,
            setup_needed: self.setup_needed,
        })
        .unwrap_or_else(|_| br#"{"error":"internal","message":"error"}"#.to_vec());
        let mut response = fixed(self.status, "application/json", body);
        let headers = response.headers_mut();
        if let Some(wait) = self.retry_after {
            // Whole seconds, rounded up, at least one.
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        if let Some(allow) = self
            .allow
            .as_deref()
            .and_then(|a| HeaderValue::from_str(a).ok())
        {
            headers.insert(header::ALLOW, allow);
        }
        response
    }
}

impl From<AccessError> for ApiError {
    /// The store's errors as the API answers them: its messages never hold
    /// a secret, and failures of the store itself become 503.
    fn from(error: AccessError) -> ApiError {
        match error {
            AccessError::NotFound(what) => ApiError::not_found(what),
            AccessError::Conflict(message) => ApiError::conflict(message),
            AccessError::AlreadyUsed("setup link") => ApiError::conflict("setup is already done"),
            AccessError::Expired(what) => ApiError::new(
                StatusCode::GONE,
                "invitation_expired",
                format!("the {what} has expired"),
            ),
            AccessError::AlreadyUsed(what) => ApiError::new(
                StatusCode::GONE,
                "invitation_used",
                format!("the {what} was already used"),
            ),
            AccessError::Revoked(what) => ApiError::new(
                StatusCode::GONE,
                "invitation_revoked",
                format!("the {what} was revoked"),
            ),
            AccessError::Forbidden(message) => ApiError::forbidden(message),
            AccessError::InvalidCredentials => ApiError::invalid_credentials(),
            AccessError::Busy => ApiError::busy(),
            AccessError::LastOwner => {
                ApiError::conflict("a partnership must keep at least one owner")
            }
            error @ (AccessError::PartnershipRequired | AccessError::InvalidInput(_)) => {
                ApiError::invalid(error.to_string())
            }
            error @ (AccessError::Open(_)
            | AccessError::Database(_)
            | AccessError::Corrupt(_)
            | AccessError::Closed
            | AccessError::Internal(_)) => ApiError::unavailable(error.to_string()),
        }
    }
}
