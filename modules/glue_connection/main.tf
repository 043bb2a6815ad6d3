# Glue JDBC connections in the deployment's VPC. Credentials are never Terraform values: the connection names the
# Secrets Manager secret (SECRET_ID) and Glue reads it with the job's role when the job runs.

resource "aws_glue_connection" "this" {
  for_each = var.connections

  name            = each.value.name
  description     = each.value.description
  connection_type = "JDBC"

  connection_properties = {
    JDBC_CONNECTION_URL = each.value.jdbc_url
    SECRET_ID           = each.value.secret_arn
    JDBC_ENFORCE_SSL    = "true"
  }

  # Glue places an ENI for the job in this subnet with these security groups (which must allow themselves).
  physical_connection_requirements {
    availability_zone      = each.value.availability_zone
    subnet_id              = each.value.subnet_id
    security_group_id_list = each.value.security_group_ids
  }

  tags = var.tags
}
