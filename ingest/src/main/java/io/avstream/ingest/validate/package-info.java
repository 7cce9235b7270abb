/** Decoding and validation of input records; refused records become dead letters with a reason code. */
package io.avstream.ingest.validate;
