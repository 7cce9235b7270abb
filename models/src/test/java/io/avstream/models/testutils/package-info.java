/** Shared test fixtures: the tiny test model package and helpers to break copies of it. */
package io.avstream.models.testutils;
