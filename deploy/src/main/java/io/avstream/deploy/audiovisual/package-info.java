/** The audio-visual pipeline: audio windows paired with their video frames, MAViL's fused model, audio-only otherwise. */
package io.avstream.deploy.audiovisual;
