package api

// billingStore is what the billing handlers need of the store.
type billingStore interface{}

// Billing creates Stripe Checkout and Portal sessions and applies webhooks.
type Billing interface{}

// billingRoutes lists the billing and Stripe webhook routes.
func (s *Server) billingRoutes() []route { return nil }
