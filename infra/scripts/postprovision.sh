#!/bin/sh
# azd postprovision hook: creates the Azure SQL database user of the apps' managed identity and gives it the roles the
# warehouse needs (read, write, and DDL for migrations and dataset tables). Bicep cannot run T-SQL, and with Entra-only
# authentication only an Entra admin (the deploying principal, or a member of the admin group) can do this.
#
# Reads the provision outputs azd puts in the environment: AZURE_SQL_SERVER_FQDN, AZURE_SQL_DATABASE_NAME,
# MANAGED_IDENTITY_NAME. Needs go-sqlcmd (https://github.com/microsoft/go-sqlcmd) on PATH and a signed-in Azure CLI or
# azd credential (ActiveDirectoryDefault). Safe to run again: the user and role memberships are created only when missing.
set -eu

# azd runs hooks with the environment's values exported; outside azd, load them from `azd env get-values`.
if [ -z "${AZURE_SQL_SERVER_FQDN:-}" ] && command -v azd >/dev/null 2>&1; then
  eval "$(azd env get-values)"
fi

: "${AZURE_SQL_SERVER_FQDN:?AZURE_SQL_SERVER_FQDN is not set: run azd provision first}"
: "${AZURE_SQL_DATABASE_NAME:?AZURE_SQL_DATABASE_NAME is not set: run azd provision first}"
: "${MANAGED_IDENTITY_NAME:?MANAGED_IDENTITY_NAME is not set: run azd provision first}"

if ! command -v sqlcmd >/dev/null 2>&1; then
  echo "postprovision: sqlcmd (go-sqlcmd) is not on PATH. Install it, then run: sh infra/scripts/postprovision.sh" >&2
  exit 1
fi

# The identity name is ours (id-diviora-<token>), but quote it for T-SQL anyway: ] doubles inside [], ' inside ''.
user=$(printf '%s' "$MANAGED_IDENTITY_NAME" | sed "s/]/]]/g")
literal=$(printf '%s' "$MANAGED_IDENTITY_NAME" | sed "s/'/''/g")

echo "postprovision: database user [$MANAGED_IDENTITY_NAME] in $AZURE_SQL_DATABASE_NAME on $AZURE_SQL_SERVER_FQDN"
sqlcmd --authentication-method ActiveDirectoryDefault \
  -S "tcp:$AZURE_SQL_SERVER_FQDN,1433" -d "$AZURE_SQL_DATABASE_NAME" -b -Q "
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'$literal')
    CREATE USER [$user] FROM EXTERNAL PROVIDER;
IF IS_ROLEMEMBER('db_datareader', N'$literal') = 0 ALTER ROLE db_datareader ADD MEMBER [$user];
IF IS_ROLEMEMBER('db_datawriter', N'$literal') = 0 ALTER ROLE db_datawriter ADD MEMBER [$user];
IF IS_ROLEMEMBER('db_ddladmin', N'$literal') = 0 ALTER ROLE db_ddladmin ADD MEMBER [$user];
"
echo "postprovision: done"
