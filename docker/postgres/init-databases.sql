-- Run once by the postgres image on an empty data volume: one database per store, so the city data
-- API, the gateway and Rasa's tracker store (its table is called `events`, like the city's) never
-- share a table namespace.
CREATE DATABASE cityapi;
CREATE DATABASE gateway;
CREATE DATABASE rasa;
