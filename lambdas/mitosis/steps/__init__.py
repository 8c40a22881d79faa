"""The work of each state, with its adapters passed in: handlers give the real ones, tests give fakes or
moto-backed ones. A step reads live state first (a pure check in mitosis.status) so that a retried or re-run
step skips what is already done."""
