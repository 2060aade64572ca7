// Package readmetest holds the test that runs the README's walkthrough, the
// way a reader would copy it, against a real server; the package has no
// code of its own.
package readmetest
