"""The city data API: places, events and districts of Rostock, served over HTTP."""
