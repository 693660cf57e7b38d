//! Record handles: the position of a provider record in the list that owns it, as a type
//! of its own per list (`record_handle!`), so a card's position can never index the list
//! of programs. A handle indexes its list directly (`cards[card]`) and prints as the
//! position it is.

/// Declares `$name`, the handle of a `$record` in a `Vec<$record>` (or a
/// `Chunked<$record>`, for the lists that grow with every request), with `Index` and
/// `IndexMut` on both.
macro_rules! record_handle {
    ($(#[$meta:meta])* $vis:vis $name:ident => $record:ty) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis struct $name(pub(crate) usize);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        /// Reads the position a scheduled event's data carries.
        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.parse().map(Self)
            }
        }

        impl std::ops::Index<$name> for Vec<$record> {
            type Output = $record;

            fn index(&self, handle: $name) -> &$record {
                &self[handle.0]
            }
        }

        impl std::ops::IndexMut<$name> for Vec<$record> {
            fn index_mut(&mut self, handle: $name) -> &mut $record {
                &mut self[handle.0]
            }
        }

        impl std::ops::Index<$name> for $crate::chunked::Chunked<$record> {
            type Output = $record;

            fn index(&self, handle: $name) -> &$record {
                &self[handle.0]
            }
        }

        impl std::ops::IndexMut<$name> for $crate::chunked::Chunked<$record> {
            fn index_mut(&mut self, handle: $name) -> &mut $record {
                &mut self[handle.0]
            }
        }
    };
}

pub(crate) use record_handle;
