package io.avstream.ingest.validate;

import io.avstream.schemas.ReasonCode;

/** Why a record was refused: a reason code for machines and a detail for people. */
public final class Rejection extends Exception {
    private static final long serialVersionUID = 1L;

    private final ReasonCode reason;

    public Rejection(ReasonCode reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public ReasonCode reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }
}
