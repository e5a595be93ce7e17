// Command sqsim is the laboratory's command line: it runs the demo, computes
// exact losses, runs learners against oracles, plays the hardness game and
// measures performance. Run `sqsim help` for the list of commands. The
// command tree lives in the importable package github.com/sqsim/sqsim/cli,
// so a module of your own can register learners and call cli.Main the same
// way (docs/writing-a-learner.md).
//
// Exit status: 0 on success, 1 when a run fails, 2 on a usage error (bad
// flag, bad value), in which case one line on stderr names the bad value and
// nothing is printed on stdout.
package main

import (
	"os"

	"github.com/sqsim/sqsim/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }
