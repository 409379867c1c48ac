"""The station's review key (pki/review_seal.py): its public half, which every session
reads, and its private half sealed under the KEK. One row of station_keys."""

from sqlite_utils import Database

from screening_app.domain.canonical import utc_now

REVIEW = "review"


class ReviewKeyRepository:
    def __init__(self, db: Database):
        self._db = db

    def public(self) -> bytes | None:
        row = self._db.execute("SELECT public_key_pem FROM station_keys WHERE purpose = ?",
                               [REVIEW]).fetchone()
        return bytes.fromhex(row[0]) if row else None

    def sealed_private(self) -> bytes | None:
        row = self._db.execute("SELECT sealed_private_key FROM station_keys WHERE purpose = ?",
                               [REVIEW]).fetchone()
        return row[0] if row else None

    def insert(self, sealed_private: bytes, public: bytes) -> None:
        # The raw public key in hex (a station_keys column named for the signing key's PEM);
        # a review key has no certificate and no CSR.
        self._db.execute(
            "INSERT INTO station_keys (id, purpose, sealed_private_key, public_key_pem,"
            " csr_pem, created_at) VALUES (?, ?, ?, ?, '', ?)",
            [REVIEW, REVIEW, sealed_private, public.hex(), utc_now()])
