"""Keys and certificates: the organisation's root CA, station keys, and how private keys
are kept encrypted at rest."""
