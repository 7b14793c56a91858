//! The two macros that define the model's types, so that each field's
//! document key is written once and reading, writing, TypeScript and serde
//! agree on it.
//!
//! - `record!` defines a struct stored as an automerge map. With `id;` as
//!   its first line it is a list item: it gets a stable `id` that
//!   autosurgeon uses to match items when reconciling lists. A field written
//!   `"key" with "path::to::function" => pub field: Type` is reconciled by
//!   that function (e.g. [`crate::write::reconcile_set`]).
//! - `wire_enum!` defines an enumeration stored as a string, with an
//!   `Other(String)` variant that keeps values from newer clients.

/// Defines a record (a struct stored as an automerge map).
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            id;
            $(
                $(#[$fmeta:meta])*
                $key:literal $(with $with:literal)? => pub $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            PartialEq,
            Default,
            ::autosurgeon::Reconcile,
            ::ts_rs::TS,
            ::serde::Serialize,
            ::serde::Deserialize,
        )]
        #[serde(default)]
        pub struct $name {
            /// Stable id of this item, unique within its list, made by the
            /// caller (for example a random UUID).
            #[key]
            pub id: String,
            $(
                $(#[$fmeta])*
                #[autosurgeon(rename = $key $(, reconcile = $with)?)]
                #[ts(rename = $key)]
                #[serde(rename = $key)]
                pub $field: $ty,
            )*
        }

        impl $crate::read::Read for $name {
            fn read<D: ::autosurgeon::ReadDoc>(
                r: &mut $crate::read::Reader<'_, D>,
                value: &::automerge::Value<'_>,
                obj: &::automerge::ObjId,
                path: &str,
            ) -> ::std::result::Result<Self, $crate::ProblemKind> {
                $crate::read::expect_map(value)?;
                let mut this = Self {
                    id: r.id(obj, path),
                    $($field: r.field(obj, $key, path),)*
                };
                $crate::read::Check::check(&mut this, r, path);
                Ok(this)
            }

            fn item_id(&self) -> Option<&str> {
                Some(&self.id)
            }
        }

        impl $name {
            /// The document keys of this record's fields, `id` first.
            pub const KEYS: &'static [&'static str] = &["id", $($key),*];
        }
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $key:literal $(with $with:literal)? => pub $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            PartialEq,
            Default,
            ::autosurgeon::Reconcile,
            ::ts_rs::TS,
            ::serde::Serialize,
            ::serde::Deserialize,
        )]
        #[serde(default)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[autosurgeon(rename = $key $(, reconcile = $with)?)]
                #[ts(rename = $key)]
                #[serde(rename = $key)]
                pub $field: $ty,
            )*
        }

        impl $crate::read::Read for $name {
            fn read<D: ::autosurgeon::ReadDoc>(
                r: &mut $crate::read::Reader<'_, D>,
                value: &::automerge::Value<'_>,
                obj: &::automerge::ObjId,
                path: &str,
            ) -> ::std::result::Result<Self, $crate::ProblemKind> {
                $crate::read::expect_map(value)?;
                let mut this = Self {
                    $($field: r.field(obj, $key, path),)*
                };
                $crate::read::Check::check(&mut this, r, path);
                Ok(this)
            }
        }

        impl $name {
            /// The document keys of this record's fields.
            pub const KEYS: &'static [&'static str] = &[$($key),*];
        }
    };
}

/// Defines an enumeration stored as a string.
macro_rules! wire_enum {
    (
        $(#[doc = $doc:literal])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $wire:literal
            ),+ $(,)?
        }
        default = $default:ident;
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )+
            /// A value this version does not know, probably written by a
            /// newer client; kept as it is.
            Other(String),
        }

        impl $name {
            /// Every value this version knows, in display order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The string stored in the document.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(s) => s,
                }
            }

            /// The value for a stored string; unknown strings give
            /// [`Self::Other`].
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::std::default::Default for $name {
            fn default() -> Self {
                Self::$default
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::autosurgeon::Reconcile for $name {
            type Key<'a> = ::autosurgeon::reconcile::NoKey;

            fn reconcile<R: ::autosurgeon::Reconciler>(
                &self,
                mut reconciler: R,
            ) -> ::std::result::Result<(), R::Error> {
                reconciler.str(self.as_str())
            }
        }

        impl $crate::read::Read for $name {
            fn read<D: ::autosurgeon::ReadDoc>(
                r: &mut $crate::read::Reader<'_, D>,
                value: &::automerge::Value<'_>,
                _obj: &::automerge::ObjId,
                path: &str,
            ) -> ::std::result::Result<Self, $crate::ProblemKind> {
                let s = $crate::read::scalar_string(value).ok_or_else(|| {
                    $crate::ProblemKind::WrongType {
                        expected: "string",
                        found: $crate::read::type_name(value),
                    }
                })?;
                let v = Self::from_wire(&s);
                if let Self::Other(s) = &v {
                    r.problem(path, $crate::ProblemKind::UnknownValue { value: s.clone() });
                }
                Ok(v)
            }

            fn finish_list(items: &mut Vec<Self>) {
                $crate::read::dedupe(items);
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(d)?;
                Ok(Self::from_wire(&s))
            }
        }

        impl ::ts_rs::TS for $name {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;

            fn name(_: &::ts_rs::Config) -> String {
                stringify!($name).to_owned()
            }

            fn inline(_: &::ts_rs::Config) -> String {
                // `(string & {})` keeps editor completion for the known values
                // while accepting values from newer clients.
                concat!($("\"", $wire, "\" | ",)+ "(string & {})").to_owned()
            }

            fn decl(cfg: &::ts_rs::Config) -> String {
                format!("type {} = {};", <Self as ::ts_rs::TS>::name(cfg), <Self as ::ts_rs::TS>::inline(cfg))
            }

            fn decl_concrete(cfg: &::ts_rs::Config) -> String {
                <Self as ::ts_rs::TS>::decl(cfg)
            }

            fn docs() -> Option<String> {
                $crate::typescript::jsdoc(&[$($doc),*])
            }
        }
    };
}
