-- One role and one database per service; each service owns only its own data. DEMO PASSWORDS: replace them.
CREATE ROLE identity LOGIN PASSWORD 'demo-identity-db-password';
CREATE DATABASE identity OWNER identity;
CREATE ROLE policy LOGIN PASSWORD 'demo-policy-db-password';
CREATE DATABASE policy OWNER policy;
CREATE ROLE audit LOGIN PASSWORD 'demo-audit-db-password';
CREATE DATABASE audit OWNER audit;
-- audit-svc's runtime role: granted SELECT and INSERT only, by the service's own migration
CREATE ROLE audit_app LOGIN PASSWORD 'demo-audit-app-db-password';
CREATE ROLE broker LOGIN PASSWORD 'demo-broker-db-password';
CREATE DATABASE broker OWNER broker;
