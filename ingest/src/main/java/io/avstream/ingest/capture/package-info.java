/**
 * Media capture for the producers ({@code produce --input}): files, network streams, cameras and microphones read
 * with FFmpeg through JavaCV, their audio sent as PCM chunks and their video as JPEG frames, on one clock. The job
 * does not capture: its jar leaves this package and FFmpeg out.
 */
package io.avstream.ingest.capture;
