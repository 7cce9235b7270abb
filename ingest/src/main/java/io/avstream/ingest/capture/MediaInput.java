package io.avstream.ingest.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code produce --input} reads: a media file, a network stream ({@code http://}, {@code https://},
 * {@code udp://}, {@code rtp://}, {@code rtsp://}, {@code tcp://}, {@code srt://}), a V4L2 camera
 * ({@code v4l2:/dev/video0}) or a microphone ({@code alsa:default}, {@code pulse:default}).
 *
 * @param spec   the input as given
 * @param target what FFmpeg opens (the path, the URL, the device)
 * @param format FFmpeg's input format for devices ({@code v4l2}, {@code alsa}, {@code pulse}), else null
 * @param kind   file, network or device
 */
public record MediaInput(String spec, String target, String format, Kind kind) {

    /** Where the media comes from. */
    public enum Kind { FILE, NETWORK, DEVICE }

    private static final Set<String> NETWORK = Set.of("http", "https", "udp", "rtp", "rtsp", "tcp", "srt", "rtmp");
    private static final Set<String> DEVICES = Set.of("v4l2", "alsa", "pulse");

    /**
     * Parses an input.
     *
     * @throws IllegalArgumentException with one line naming the input when it cannot be used: a file that does not
     *     exist or cannot be read, an unknown scheme
     */
    public static MediaInput parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no input given");
        }
        int colon = spec.indexOf(':');
        if (colon > 1) {
            String scheme = spec.substring(0, colon).toLowerCase(Locale.ROOT);
            if (NETWORK.contains(scheme)) {
                return new MediaInput(spec, spec, null, Kind.NETWORK);
            }
            if (DEVICES.contains(scheme)) {
                String device = spec.substring(colon + 1);
                if (device.isEmpty()) {
                    throw new IllegalArgumentException("input " + spec + " names no device (e.g. " + scheme + ":"
                            + (scheme.equals("v4l2") ? "/dev/video0" : "default") + ")");
                }
                if (scheme.equals("v4l2") && !Files.exists(Path.of(device))) {
                    throw new IllegalArgumentException("no such camera: " + device + " (input " + spec + ")");
                }
                return new MediaInput(spec, device, scheme, Kind.DEVICE);
            }
            if (spec.contains("://")) {
                throw new IllegalArgumentException("input " + spec + ": unknown scheme '" + scheme + "' (files, "
                        + String.join("/", NETWORK) + " URLs, v4l2:, alsa: or pulse: devices)");
            }
        }
        Path file = Path.of(spec);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("no such file: " + spec);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("not a readable file: " + spec);
        }
        return new MediaInput(spec, file.toAbsolutePath().toString(), null, Kind.FILE);
    }

    /** A stream id from the input: a file's name without its extension, else the host or device, sanitised. */
    public String defaultStreamId() {
        String base = switch (kind) {
            case FILE -> {
                String name = Path.of(target).getFileName().toString();
                int dot = name.lastIndexOf('.');
                yield dot > 0 ? name.substring(0, dot) : name;
            }
            case NETWORK -> target.replaceFirst("^[a-z]+://", "").replaceAll("[/:?&=]+", "-");
            case DEVICE -> format + "-" + target;
        };
        String id = base.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return id.isEmpty() ? "input" : id;
    }
}
