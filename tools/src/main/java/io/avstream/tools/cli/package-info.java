/** The avstream command line: demo, run, produce, consume. */
package io.avstream.tools.cli;
