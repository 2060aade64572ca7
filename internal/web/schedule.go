package web

import (
	"fmt"
	"strconv"
	"strings"
)

// scheduleWords says a cron schedule in words for the common shapes and
// falls back to the expression itself (always shown beside it anyway).
func scheduleWords(expr string) string {
	switch strings.TrimSpace(expr) {
	case "":
		return "not scheduled (runs when triggered)"
	case "@hourly":
		return "every hour"
	case "@daily", "@midnight":
		return "every day at 00:00 UTC"
	case "@weekly":
		return "every Sunday at 00:00 UTC"
	case "@monthly":
		return "on the 1st of every month at 00:00 UTC"
	case "@yearly", "@annually":
		return "every 1 January at 00:00 UTC"
	}
	f := strings.Fields(expr)
	if len(f) != 5 || !number(f[0]) {
		return "cron " + expr
	}
	minute, hour, dom, month, dow := f[0], f[1], f[2], f[3], f[4]
	if hour == "*" && dom == "*" && month == "*" && dow == "*" {
		return fmt.Sprintf("every hour at minute %s", minute)
	}
	if !number(hour) || month != "*" {
		return "cron " + expr
	}
	h, _ := strconv.Atoi(hour)
	m, _ := strconv.Atoi(minute)
	at := fmt.Sprintf("%02d:%02d UTC", h, m)
	days := map[string]string{"0": "Sunday", "1": "Monday", "2": "Tuesday", "3": "Wednesday", "4": "Thursday", "5": "Friday", "6": "Saturday", "7": "Sunday", "1-5": "weekday"}
	switch {
	case dom == "*" && dow == "*":
		return "every day at " + at
	case dom == "*" && days[dow] != "":
		return "every " + days[dow] + " at " + at
	case number(dom) && dow == "*":
		return fmt.Sprintf("on day %s of every month at %s", dom, at)
	}
	return "cron " + expr
}

func number(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
