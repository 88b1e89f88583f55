/* cst-error.h — the error domain of the Custodian model layer */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CST_ERROR (cst_error_quark ())

/**
 * CstError:
 * @CST_ERROR_INVALID_INPUT: a value the user typed or passed is not acceptable
 * @CST_ERROR_CONFLICT: another user changed the row since it was read
 * @CST_ERROR_INVALID_TRANSITION: the workflow does not allow this step
 * @CST_ERROR_CLOSED: the request is released, denied or cancelled
 * @CST_ERROR_EXTENSION: the extension was refused (taken twice, too late)
 * @CST_ERROR_NOT_FOUND: the row does not exist (any more)
 * @CST_ERROR_PERMISSION_DENIED: the database role may not do this
 * @CST_ERROR_CONNECTION: the server cannot be reached or the login failed
 * @CST_ERROR_DATABASE: any other error reported by the server
 * @CST_ERROR_SERVER_SETUP: the private database could not be created or started
 * @CST_ERROR_APPEND_ONLY: an attempt to rewrite the audit log
 * @CST_ERROR_TIMEOUT: the server gave up on a statement that ran too long
 */
typedef enum
{
  CST_ERROR_INVALID_INPUT,
  CST_ERROR_CONFLICT,
  CST_ERROR_INVALID_TRANSITION,
  CST_ERROR_CLOSED,
  CST_ERROR_EXTENSION,
  CST_ERROR_NOT_FOUND,
  CST_ERROR_PERMISSION_DENIED,
  CST_ERROR_CONNECTION,
  CST_ERROR_DATABASE,
  CST_ERROR_SERVER_SETUP,
  CST_ERROR_APPEND_ONLY,
  CST_ERROR_TIMEOUT,
} CstError;

GQuark cst_error_quark (void);

G_END_DECLS
