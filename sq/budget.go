package sq

import "fmt"

// Budget limits the queries a learner may ask. Zero fields are no limit.
type Budget struct {
	MaxQueries int     `json:"max_queries,omitempty"` // answered queries (a vector query counts once)
	MaxScalar  int     `json:"max_scalar,omitempty"`  // answered scalar queries (a vector query counts Dim)
	MinTol     float64 `json:"min_tol,omitempty"`     // smallest normalized tolerance allowed (see NormalizedTol)
	MaxCost    float64 `json:"max_cost,omitempty"`    // largest sample cost sum (B/tau)^2 allowed (Summary.Cost)
}

// BudgetError stops a learner that would exceed its budget.
type BudgetError struct {
	Limit string  // "max_queries", "max_scalar", "min_tol" or "max_cost"
	Value float64 // what the query would have made the counter (or its normalized tolerance)
	Max   float64 // the limit
	Query string  // the query refused
}

func (e *BudgetError) Error() string {
	if e.Limit == "min_tol" {
		return fmt.Sprintf("sq: budget: query %q asks normalized tolerance %g, below the minimum %g", e.Query, e.Value, e.Max)
	}
	return fmt.Sprintf("sq: budget: query %q would bring %s to %g, over the limit %g", e.Query, e.Limit, e.Value, e.Max)
}

// Unwrap makes errors.Is(err, ErrBudget) true.
func (e *BudgetError) Unwrap() error { return ErrBudget }

// Check returns a *BudgetError if answering q at tau would take the counts s
// over the budget.
func (b Budget) Check(s Summary, q *Query, tau float64) error {
	t := NormalizedTol(q, tau)
	switch {
	case b.MinTol > 0 && t < b.MinTol:
		return &BudgetError{Limit: "min_tol", Value: t, Max: b.MinTol, Query: q.Name}
	case b.MaxQueries > 0 && s.Queries+1 > b.MaxQueries:
		return &BudgetError{Limit: "max_queries", Value: float64(s.Queries + 1), Max: float64(b.MaxQueries), Query: q.Name}
	case b.MaxScalar > 0 && s.Scalar+q.Dim > b.MaxScalar:
		return &BudgetError{Limit: "max_scalar", Value: float64(s.Scalar + q.Dim), Max: float64(b.MaxScalar), Query: q.Name}
	case b.MaxCost > 0 && s.Cost+float64(q.Dim)/(t*t) > b.MaxCost:
		return &BudgetError{Limit: "max_cost", Value: s.Cost + float64(q.Dim)/(t*t), Max: b.MaxCost, Query: q.Name}
	}
	return nil
}
