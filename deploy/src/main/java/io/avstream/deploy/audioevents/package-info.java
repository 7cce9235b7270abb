/** The audio-events pipeline: audio chunks in, MAViL-style tags per window and audio events out. */
package io.avstream.deploy.audioevents;
