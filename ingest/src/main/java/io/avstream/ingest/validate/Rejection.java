package io.avstream.ingest.validate;

import java.util.Objects;

import io.avstream.schemas.ReasonCode;

/** Why a record was refused: a reason code for machines and a detail for people. */
public final class Rejection extends Exception {
    private static final long serialVersionUID = 1L;

    private final ReasonCode reason;

    /** A rejection with its reason (required) and detail (the reason's description when null). */
    public Rejection(ReasonCode reason, String detail) {
        super(detail != null ? detail : Objects.requireNonNull(reason, "reason").description(), null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ReasonCode reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }
}
