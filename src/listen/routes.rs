//! `--forward-to` rules: which app an event goes to. Rules are tried in the order given
//! (`/path/prefix=URL`, `event:GLOB=URL`); the first that matches wins; a bare `URL` is the
//! default, used when no rule matches. No match and no default: the event is answered
//! without forwarding.

use super::Forwarder;

/// What a rule matches.
#[derive(Debug, Clone)]
pub enum Rule {
    /// Everything: the default route.
    Any,
    /// A path equal to the prefix, or below it (`/billing` matches `/billing/x`, not
    /// `/billingx`).
    PathPrefix(String),
    /// An event type matching the glob.
    Event(glob::Pattern),
}

impl Rule {
    /// As the user wrote it: `/billing`, `event:invoice.*`, `default`.
    pub fn label(&self) -> String {
        match self {
            Rule::Any => "default".into(),
            Rule::PathPrefix(prefix) => prefix.clone(),
            Rule::Event(glob) => format!("event:{}", glob.as_str()),
        }
    }

    fn matches(&self, path: &str, event: Option<&str>) -> bool {
        match self {
            Rule::Any => true,
            Rule::PathPrefix(prefix) => {
                let prefix = prefix.trim_end_matches('/');
                path == prefix
                    || path
                        .strip_prefix(prefix)
                        .is_some_and(|rest| rest.starts_with('/'))
                    || prefix.is_empty()
            }
            Rule::Event(glob) => event.is_some_and(|e| glob.matches(e)),
        }
    }
}

pub struct Route {
    pub rule: Rule,
    pub forwarder: Forwarder,
}

#[derive(Default)]
pub struct Routes {
    rules: Vec<Route>,
    default: Option<Route>,
}

#[derive(Debug, thiserror::Error)]
#[error("more than one default target (a URL with no rule): give one")]
pub struct TwoDefaults;

impl Routes {
    pub fn new(routes: Vec<Route>) -> Result<Routes, TwoDefaults> {
        let mut built = Routes::default();
        for route in routes {
            match route.rule {
                Rule::Any if built.default.is_some() => return Err(TwoDefaults),
                Rule::Any => built.default = Some(route),
                _ => built.rules.push(route),
            }
        }
        Ok(built)
    }

    /// Whether any forwarding is set up.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.default.is_none()
    }

    /// The route for a request: the first rule that matches, else the default.
    pub fn choose(&self, path: &str, event: Option<&str>) -> Option<&Route> {
        self.rules
            .iter()
            .find(|r| r.rule.matches(path, event))
            .or(self.default.as_ref())
    }

    /// Every route, rules first, for the banner.
    pub fn all(&self) -> impl Iterator<Item = &Route> {
        self.rules.iter().chain(self.default.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_whole_segments() {
        let rule = Rule::PathPrefix("/billing".into());
        assert!(rule.matches("/billing", None));
        assert!(rule.matches("/billing/invoices", None));
        assert!(!rule.matches("/billingx", None));
        assert!(!rule.matches("/", None));
        assert!(Rule::PathPrefix("/".into()).matches("/anything", None));
        let event = Rule::Event(glob::Pattern::new("invoice.*").unwrap());
        assert!(event.matches("/", Some("invoice.paid")));
        assert!(!event.matches("/", Some("customer.created")));
        assert!(!event.matches("/", None));
    }
}
