/* custodian.h — the model library's public API in one include */
#pragma once

#include "custodian/cst-audit-chain.h"
#include "custodian/cst-connection.h"
#include "custodian/cst-database-target.h"
#include "custodian/cst-db.h"
#include "custodian/cst-demo.h"
#include "custodian/cst-embedded-server.h"
#include "custodian/cst-enums.h"
#include "custodian/cst-error.h"
#include "custodian/cst-input.h"
#include "custodian/cst-listener.h"
#include "custodian/cst-migrations.h"
#include "custodian/cst-pdf.h"
#include "custodian/cst-request.h"
#include "custodian/cst-request-repo.h"
#include "custodian/cst-request-store.h"
#include "custodian/cst-settings.h"
