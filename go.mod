module github.com/sqsim/sqsim

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	golang.org/x/sys v0.50.0
	gonum.org/v1/gonum v0.17.0
)

require github.com/BurntSushi/toml v1.6.0 // indirect
