//go:build js && wasm

// Command wasm is the browser lab's WebAssembly entry point: it exposes the
// functions of package web/lab to the page's JavaScript, each taking its
// parameters as a JSON string and returning a JSON string {"ok": result}
// or {"error": message}:
//
//	sqsimLearners()          the learners of the game
//	sqsimGame(params)        lab.PlayGame
//	sqsimRun(params)         lab.RunLearner
//	sqsimLandscape(params)   lab.Landscape
//
// Build it with GOOS=js GOARCH=wasm go build -o lab.wasm ./web/wasm (or
// sqsim web build DIR).
package main

import (
	"encoding/json"
	"fmt"
	"syscall/js"

	"github.com/sqsim/sqsim/web/lab"
)

// reply is the JSON string of {"ok": v} or {"error": err}.
func reply(v any, err error) string {
	if err == nil {
		b, merr := json.Marshal(map[string]any{"ok": v})
		if merr == nil {
			return string(b)
		}
		err = fmt.Errorf("encoding the result: %w", merr)
	}
	b, _ := json.Marshal(map[string]string{"error": err.Error()})
	return string(b)
}

// handler wraps fn(params) as a JavaScript function of one JSON string.
func handler[P any, R any](fn func(P) (R, error)) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) (out any) {
		defer func() {
			if r := recover(); r != nil {
				out = reply(nil, fmt.Errorf("internal error: %v", r))
			}
		}()
		var p P
		if len(args) != 1 || args[0].Type() != js.TypeString {
			return reply(nil, fmt.Errorf("want one argument, the parameters as a JSON string"))
		}
		if err := json.Unmarshal([]byte(args[0].String()), &p); err != nil {
			return reply(nil, fmt.Errorf("parameters: %w", err))
		}
		r, err := fn(p)
		return reply(r, err)
	})
}

func main() {
	g := js.Global()
	g.Set("sqsimLearners", js.FuncOf(func(js.Value, []js.Value) any { return reply(lab.Learners(), nil) }))
	g.Set("sqsimGame", handler(lab.PlayGame))
	g.Set("sqsimRun", handler(lab.RunLearner))
	g.Set("sqsimLandscape", handler(lab.Landscape))
	g.Set("sqsimWorlds", js.FuncOf(func(js.Value, []js.Value) any {
		return reply(map[string][]string{"worlds": lab.Worlds, "oracles": lab.Oracles}, nil)
	}))
	if ready := g.Get("sqsimReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {} // keep the functions alive
}
