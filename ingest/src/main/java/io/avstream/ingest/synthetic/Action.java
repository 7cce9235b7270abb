package io.avstream.ingest.synthetic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The actions the synthetic actor performs; the declaration order is the label order of the action
 * models trained on synthetic data, so never reorder, only append.
 */
public enum Action {
    /** Walking forward, about 1.35 m/s, moderate stride and arm swing. */
    WALK("walk"),
    /** Running forward, about 3.3 m/s, long stride, bent elbows, flight phases. */
    RUN("run"),
    /** Jumping in place: crouch, take-off with the arms swung up, flight, landing. */
    JUMP("jump"),
    /** Standing, the right arm raised, the forearm waving side to side. */
    WAVE("wave"),
    /** Deep knee bends with the arms held forward. */
    SQUAT("squat"),
    /** Front kicks, alternating legs, arms in guard. */
    KICK("kick"),
    /** Straight punches, alternating arms, from a guard stance with a torso twist. */
    PUNCH("punch"),
    /** Turning about the vertical axis on the spot, stepping in place. */
    TURN("turn");

    private static final List<String> LABELS;

    static {
        List<String> l = new ArrayList<>();
        for (Action a : values()) {
            l.add(a.label);
        }
        LABELS = Collections.unmodifiableList(l);
    }

    private final String label;

    Action(String label) {
        this.label = label;
    }

    /** The lower-case label, e.g. {@code walk}. */
    public String label() {
        return label;
    }

    /** All labels in model order. */
    public static List<String> labels() {
        return LABELS;
    }

    /** The action with this label. */
    public static Action fromLabel(String label) {
        for (Action a : values()) {
            if (a.label.equals(label)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown action label " + label + "; known: " + LABELS);
    }
}
