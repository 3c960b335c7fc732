"""credence: who said what, how credible the source is, and who independently agrees."""

from credence.memory import use_system_allocator

use_system_allocator()  # before any table is read: see credence.memory
