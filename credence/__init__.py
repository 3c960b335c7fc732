"""credence: who said what, how credible the source is, and who independently agrees."""
