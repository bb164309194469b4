/* The header must compile on its own. */
#include <telnet-rs.h>
int tn_header_alone(void);
int tn_header_alone(void) { return TN_VERSION_MAJOR; }
